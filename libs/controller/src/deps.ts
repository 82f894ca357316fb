import type { Database } from '@vigil/db';
import type { EgressGuard } from '@vigil/egress';
import type { ServiceAppDeps } from '@vigil/http';
import type { SecretKeyring } from '@vigil/secrets';
import type { RateLimits } from './auth/rate-limits';
import type { CheckMetricsOptions } from './check-metrics/exporter';

/** Limits on what clients may send; every one has a default (see DEFAULT_LIMITS). */
export interface ControllerLimits {
  /** Largest runner report body, in bytes (413 beyond). */
  reportBodyBytes: number;
  /** Largest management API body, in bytes (413 beyond). */
  managementBodyBytes: number;
  /** Requests per second each runner may make to this instance (429 with Retry-After beyond). */
  runnerRequestsPerSecond: number;
  /** Requests a runner may make in a burst above that rate. */
  runnerBurst: number;
  /** Pings per second each heartbeat token may send to this instance (429 with Retry-After beyond). */
  pingsPerSecond: number;
  /** Pings a token may send in a burst above that rate (a job's retries, a start and its end). */
  pingBurst: number;
}

export const DEFAULT_LIMITS: ControllerLimits = {
  reportBodyBytes: 1024 * 1024,
  managementBodyBytes: 256 * 1024,
  runnerRequestsPerSecond: 50,
  runnerBurst: 100,
  pingsPerSecond: 1,
  pingBurst: 20,
};

export interface ControllerDeps extends ServiceAppDeps {
  db: Database;
  limits?: Partial<ControllerLimits>;
  /**
   * The controller's egress policy: a check target or a channel destination it denies as a
   * literal is refused at create/update (422 naming the rule). Unset: nothing is refused here
   * (the probes and senders still check every connection with their own guard).
   */
  egress?: EgressGuard;
  /** Seals channel and check secrets before they are stored, opens them to use them. */
  secretKeys: SecretKeyring;
  /** Requests per minute per API key and per client address (see auth/rate-limits); unset ones default, false turns one off. */
  rateLimits?: Partial<RateLimits>;
  /** express's `trust proxy`: which proxies' X-Forwarded-For names the client's address (unset: none). */
  trustProxy?: false | number | string[];
  /** VIGIL_PUBLIC_URL: the controller's public address, which heartbeat ping URLs start with (unset: a path alone). */
  publicUrl?: string;
  /** Silence after which the runners API calls a runner stale (VIGIL_RUNNER_STALE_AFTER_S; unset: RUNNER_STALE_AFTER_S). */
  runnerStaleAfterMs?: number;
  /** The per-check Prometheus series (VIGIL_CHECK_METRICS_MAX_SERIES; unset: the defaults of check-metrics/exporter). */
  checkMetrics?: CheckMetricsOptions;
}
