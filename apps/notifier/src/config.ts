import {
  commonEnv,
  type ConfigOf,
  databaseEnv,
  egressEnv,
  type Env,
  envSchema,
  loadConfig,
  metricsEnv,
  notifierEnv,
  secretKeyEnv,
  sweepHealthEnv,
} from '@vigil/config';

/**
 * Where /healthz, /readyz and /metrics are served when METRICS_PORT is unset. Each
 * service has its own (runner 9465, evaluator 9466, notifier 9467, after the 9464 of
 * the OpenTelemetry Prometheus exporter) so they can share one host; METRICS_PORT=off
 * turns the server off.
 */
export const METRICS_DEFAULT_PORT = 9467;

export const configSchema = envSchema(commonEnv, databaseEnv, notifierEnv, metricsEnv({ defaultPort: METRICS_DEFAULT_PORT }), egressEnv, secretKeyEnv, sweepHealthEnv);
export type NotifierConfig = ConfigOf<typeof configSchema>;

/** The one place the notifier reads its environment. */
export function readConfig(env: Env = process.env): NotifierConfig {
  return loadConfig(configSchema, env);
}
