import { CONTROLLER_LOCATION } from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';
import type { Logger } from '@vigil/logger';
import type { Registry } from 'prom-client';
import { type RunnerAgent, startRunnerAgent } from './agent';
import type { ControllerLink } from './link/controller-link';
import { createMemorySpool } from './spool';
import { runnerUserAgent } from './user-agent';

/**
 * Results held while the database cannot take them. In memory: a controller instance has
 * no disk of its own to count on, and what is lost comes back as expired leases, run again.
 */
const OWN_SPOOL_MAX_RESULTS = 100_000;

export interface OwnLocationOptions {
  /** The in-process runner API of the controller (`ownLocationLink` of @vigil/controller). */
  link: ControllerLink;
  logger: Logger;
  metrics: Registry;
  concurrency: number;
  /** The most runs at once it rises to while it falls behind (VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX). */
  concurrencyMax?: number;
  /** The controller's egress policy: `@controller` probes from the control plane's network. */
  egress: EgressGuard;
}

/**
 * The built-in `@controller` location: the runners' agent and probes, run inside the process
 * that serves the controller (controller-api, all-in-one), leasing and storing through `link`.
 */
export function startOwnLocation(options: OwnLocationOptions): RunnerAgent {
  const logger = options.logger.child({ location: CONTROLLER_LOCATION });
  return startRunnerAgent({
    link: options.link,
    spool: createMemorySpool({ maxResults: OWN_SPOOL_MAX_RESULTS, logger }),
    logger,
    metrics: options.metrics,
    userAgent: runnerUserAgent(CONTROLLER_LOCATION),
    pollMode: 'periodic',
    pollIntervalMs: 1000,
    concurrency: options.concurrency,
    concurrencyMax: options.concurrencyMax,
    egress: options.egress,
  });
}
