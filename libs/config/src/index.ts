export {
  adminEnv,
  commonEnv,
  controllerEnv,
  databaseEnv,
  dbWritesEnv,
  evaluatorEnv,
  notifierEnv,
  publicUrlEnv,
  httpEnv,
  metricsEnv,
  MIGRATE_MODES,
  POLL_MODES,
  runnerAgentEnv,
  runnerEnv,
  runnerIdentityEnv,
  runnerKeyEnv,
  sweepHealthEnv,
  runnerStalenessEnv,
  checkMetricsEnv,
} from './env';
export type {
  AdminConfig,
  CommonConfig,
  ControllerConfig,
  DatabaseConfig,
  DbWritesConfig,
  EvaluatorConfig,
  NotifierConfig,
  HttpConfig,
  MetricsConfig,
  MigrateMode,
  PollMode,
  RunnerAgentConfig,
  RunnerConfig,
  RunnerIdentityConfig,
  RunnerKeyConfig,
  SweepHealthConfig,
  RunnerStalenessConfig,
} from './env';
export {
  EnvField,
  emailAddress,
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
  retired,
  secret,
  secretHttpUrl,
  slug,
  smtpUrl,
} from './fields';
export type { Check, RawEnvValue, SmtpServer } from './fields';
export { secretKeyEnv } from './secret-key-env';
export type { SecretKeyConfig } from './secret-key-env';
export { perMinuteOrOff, rateLimitEnv, trustProxy } from './rate-limit-env';
export type { RateLimitConfig, TrustProxy } from './rate-limit-env';
export { ConfigError, envSchema, EX_CONFIG, exitOnConfigError, loadConfig } from './load-config';
export type { ConfigOf, Env, EnvOutput, EnvPart, ExitIo } from './load-config';
export {
  applyTightening,
  describeFailures,
  describeTightenings,
  findEntries,
  folderWarnings,
  planTightening,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  PRIVATE_UMASK,
  sharedFolderReason,
  tightenFolder,
  usePrivateUmask,
  writePrivateFile,
} from './private-files';
export type { FindOptions, FolderOutcome, FoundEntry, Owns, PrivateEntryKind, Tightening, TighteningFailure, TighteningOutcome } from './private-files';
export { egressEnv, egressPolicyOf } from './egress-env';
export type { EgressConfig } from './egress-env';
export { MAX_CANARIES, runnerCanaryEnv } from './runner-canary-env';
export type { CanaryTarget, RunnerCanaryConfig } from './runner-canary-env';
export { RETENTION_DEFAULT_DAYS, retentionEnv } from './retention-env';
export type { RetentionConfig } from './retention-env';
