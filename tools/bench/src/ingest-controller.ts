import { type RunningService, startController as startControllerProcess } from '@vigil/processes';

// Far above what the simulated runners send: the bench measures ingest, not the limiter.
const RUNNER_RATE_LIMIT = '100000';

/**
 * Starts the built controller API in its own process on 127.0.0.1 (a free port) against
 * `databaseUrl`, with a data directory of its own (removed when it stops), and waits until
 * /readyz says it is ready.
 */
export function startController(root: string, databaseUrl: string, options: { app?: string; nodeArgs?: readonly string[] } = {}): Promise<RunningService> {
  return startControllerProcess(root, databaseUrl, {
    main: options.app,
    nodeArgs: options.nodeArgs,
    vars: { VIGIL_RUNNER_RATE_LIMIT: RUNNER_RATE_LIMIT, VIGIL_RUNNER_BURST: RUNNER_RATE_LIMIT },
  });
}
