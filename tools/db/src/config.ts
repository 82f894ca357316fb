import { commonEnv, databaseEnv, envSchema, exitOnConfigError, loadConfig } from '@vigil/config';

const schema = envSchema(commonEnv, databaseEnv);

/** The one reader of the environment for the db commands. */
export function readConfig() {
  return exitOnConfigError(() => loadConfig(schema, process.env));
}
