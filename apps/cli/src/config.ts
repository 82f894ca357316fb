import { databaseEnv, type Env, envSchema, filePath, httpUrl, loadConfig, retentionEnv, secret, secretKeyEnv } from '@vigil/config';
import { z } from 'zod';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

const dataDirEnv = z.object({
  VIGIL_DATA_DIR: filePath().default('./.data'),
});

/** What the commands that call the controller's API read. */
export const apiConfigSchema = envSchema(
  z.object({
    VIGIL_URL: httpUrl().default(DEFAULT_URL),
    VIGIL_API_KEY: secret({ minLength: 1 }).optional(),
  }),
  dataDirEnv,
);
export type ApiConfig = z.output<typeof apiConfigSchema>;

/** What `admin-key create`, which opens the database itself, reads. */
export const databaseConfigSchema = envSchema(databaseEnv, dataDirEnv);
export type DatabaseCliConfig = z.output<typeof databaseConfigSchema>;

/** What `secret-key rotate`, which opens the database and the data key, reads. */
export const secretKeyConfigSchema = envSchema(databaseEnv, dataDirEnv, secretKeyEnv);
export type SecretKeyCliConfig = z.output<typeof secretKeyConfigSchema>;

// Each command reads only its own variables: a DATABASE_URL meant for the controller
// must not stop `vigil sites list`, nor a bad VIGIL_URL `vigil admin-key create`.
export function readApiConfig(env: Env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}

export function readDatabaseConfig(env: Env): DatabaseCliConfig {
  return loadConfig(databaseConfigSchema, env);
}

/** What `retention`, which opens the database and applies the retention settings, reads. */
export const retentionConfigSchema = envSchema(databaseEnv, dataDirEnv, retentionEnv);
export type RetentionCliConfig = z.output<typeof retentionConfigSchema>;

export function readRetentionCliConfig(env: Env): RetentionCliConfig {
  return loadConfig(retentionConfigSchema, env);
}

export function readSecretKeyConfig(env: Env): SecretKeyCliConfig {
  return loadConfig(secretKeyConfigSchema, env);
}

/** The one place the CLI reads its environment; commands get it passed in, so tests pass their own. */
export function processEnv(): Env {
  return process.env;
}
