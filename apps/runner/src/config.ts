import { join } from 'node:path';
import { commonEnv, ConfigError, type ConfigOf, egressEnv, type Env, envSchema, loadConfig, metricsEnv, runnerEnv } from '@vigil/config';
import type { EgressGuard } from '@vigil/egress';

/**
 * Where /healthz, /readyz and /metrics are served when METRICS_PORT is unset. Each
 * service has its own (runner 9465, evaluator 9466, notifier 9467, after the 9464 of
 * the OpenTelemetry Prometheus exporter) so they can share one host; METRICS_PORT=off
 * turns the server off.
 */
export const METRICS_DEFAULT_PORT = 9465;

export const configSchema = envSchema(commonEnv, runnerEnv, metricsEnv({ defaultPort: METRICS_DEFAULT_PORT }), egressEnv);
export type RunnerConfig = ConfigOf<typeof configSchema>;

/** The one place the runner reads its environment. */
export function readConfig(env: Env = process.env): RunnerConfig {
  return loadConfig(configSchema, env);
}

type SpoolSettings = Pick<RunnerConfig, 'VIGIL_SPOOL_DIR' | 'VIGIL_DATA_DIR' | 'VIGIL_RUNNER_SLUG'>;

/**
 * The spool's directory: VIGIL_SPOOL_DIR as is, else `spool/<slug>` in the data directory, so
 * that runners sharing a data directory (several on one host) each have their own.
 */
export function spoolDirOf(config: SpoolSettings): string {
  return config.VIGIL_SPOOL_DIR ?? join(config.VIGIL_DATA_DIR, 'spool', config.VIGIL_RUNNER_SLUG);
}

/** Where runners spooled by default before the slug was part of it; nothing to look at when VIGIL_SPOOL_DIR is set. */
export function formerSpoolDirOf(config: SpoolSettings): string | undefined {
  return config.VIGIL_SPOOL_DIR === undefined ? join(config.VIGIL_DATA_DIR, 'spool') : undefined;
}

/**
 * Throws a ConfigError naming each canary the egress policy refuses as written (an IP literal
 * or localhost): it could never answer, and the runner would doubt its network for good. A
 * name is judged at each connection, like a check's, and a refusal then fails the canary.
 */
export function canaryEgressProblems(config: Pick<RunnerConfig, 'VIGIL_RUNNER_CANARIES'>, egress: Pick<EgressGuard, 'refuseHost'>): void {
  const problems = config.VIGIL_RUNNER_CANARIES.flatMap(({ target, host }) => {
    try {
      egress.refuseHost(host);
      return [];
    } catch (error) {
      return [`VIGIL_RUNNER_CANARIES has ${target}, which the egress policy refuses: ${(error as Error).message} (allow it with VIGIL_EGRESS_ALLOW)`];
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
