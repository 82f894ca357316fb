import { adminEnv, commonEnv, type ConfigOf, controllerEnv, databaseEnv, egressEnv, type Env, envSchema, httpEnv, loadConfig, secretKeyEnv } from '@vigil/config';

export const configSchema = envSchema(commonEnv, databaseEnv, httpEnv, adminEnv, controllerEnv, egressEnv, secretKeyEnv);
export type ControllerApiConfig = ConfigOf<typeof configSchema>;

/** The one place the controller API reads its environment. */
export function readConfig(env: Env = process.env): ControllerApiConfig {
  return loadConfig(configSchema, env);
}
