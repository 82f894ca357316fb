import {
  adminEnv,
  checkMetricsEnv,
  commonEnv,
  type ConfigOf,
  controllerEnv,
  databaseEnv,
  egressEnv,
  type Env,
  envSchema,
  httpEnv,
  loadConfig,
  publicUrlEnv,
  rateLimitEnv,
  runnerStalenessEnv,
  secretKeyEnv,
} from '@vigil/config';

export const configSchema = envSchema(commonEnv, databaseEnv, httpEnv, adminEnv, controllerEnv, runnerStalenessEnv, egressEnv, secretKeyEnv, rateLimitEnv, publicUrlEnv, checkMetricsEnv);
export type ControllerApiConfig = ConfigOf<typeof configSchema>;

/** The one place the controller API reads its environment. */
export function readConfig(env: Env = process.env): ControllerApiConfig {
  return loadConfig(configSchema, env);
}
