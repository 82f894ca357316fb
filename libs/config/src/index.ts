export {
  adminEnv,
  commonEnv,
  controllerEnv,
  databaseEnv,
  dbWritesEnv,
  httpEnv,
  metricsEnv,
  MIGRATE_MODES,
  runnerEnv,
  runnerIdentityEnv,
  runnerKeyEnv,
} from './env';
export type {
  AdminConfig,
  CommonConfig,
  ControllerConfig,
  DatabaseConfig,
  DbWritesConfig,
  HttpConfig,
  MetricsConfig,
  MigrateMode,
  RunnerConfig,
  RunnerIdentityConfig,
  RunnerKeyConfig,
} from './env';
export {
  EnvField,
  filePath,
  hostname,
  httpUrl,
  integer,
  oneOf,
  onOff,
  pemPrivateKey,
  port,
  portOrOff,
  postgresUrl,
  secret,
  slug,
} from './fields';
export type { Check, RawEnvValue } from './fields';
export { ConfigError, envSchema, EX_CONFIG, exitOnConfigError, loadConfig } from './load-config';
export type { ConfigOf, Env, EnvOutput, EnvPart, ExitIo } from './load-config';
