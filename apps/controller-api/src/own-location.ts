import { CONTROLLER_LOCATION } from '@vigil/contracts';
import { ownLocationLink } from '@vigil/controller';
import type { Database } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { createMemorySpool, type RunnerAgent, runnerUserAgent, startRunnerAgent } from '@vigil/runner-agent';
import type { Registry } from 'prom-client';

/**
 * Results held while the database cannot take them. In memory: a controller instance has
 * no disk of its own to count on, and what is lost comes back as expired leases, run again.
 */
const OWN_SPOOL_MAX_RESULTS = 100_000;

/** Probes the checks that list `@controller`, with the runners' probes and the runner API's lease and store. */
export function startOwnLocation(deps: { db: Database; logger: Logger; metrics: Registry; concurrency: number }): RunnerAgent {
  const logger = deps.logger.child({ location: CONTROLLER_LOCATION });
  return startRunnerAgent({
    link: ownLocationLink(deps),
    spool: createMemorySpool({ maxResults: OWN_SPOOL_MAX_RESULTS, logger }),
    logger,
    metrics: deps.metrics,
    userAgent: runnerUserAgent(CONTROLLER_LOCATION),
    pollMode: 'periodic',
    pollIntervalMs: 1000,
    concurrency: deps.concurrency,
  });
}
