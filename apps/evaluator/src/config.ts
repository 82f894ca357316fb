import {
  commonEnv,
  type ConfigOf,
  databaseEnv,
  dbWritesEnv,
  egressEnv,
  type Env,
  envSchema,
  evaluatorEnv,
  loadConfig,
  metricsEnv,
  retentionEnv,
  runnerStalenessEnv,
  sweepHealthEnv,
} from '@vigil/config';

/**
 * Where /healthz, /readyz and /metrics are served when METRICS_PORT is unset. Each
 * service has its own (runner 9465, evaluator 9466, notifier 9467, after the 9464 of
 * the OpenTelemetry Prometheus exporter) so they can share one host; METRICS_PORT=off
 * turns the server off.
 */
export const METRICS_DEFAULT_PORT = 9466;

export const configSchema = envSchema(
  commonEnv,
  databaseEnv,
  dbWritesEnv,
  evaluatorEnv,
  runnerStalenessEnv,
  metricsEnv({ defaultPort: METRICS_DEFAULT_PORT }),
  sweepHealthEnv,
  // How long results, rollups and notifications are kept (the retention job runs here).
  retentionEnv,
  // The heartbeat's requests go through the egress policy like every other outgoing request.
  egressEnv,
);
export type EvaluatorConfig = ConfigOf<typeof configSchema>;

/** The one place the evaluator reads its environment. */
export function readConfig(env: Env = process.env): EvaluatorConfig {
  return loadConfig(configSchema, env);
}
