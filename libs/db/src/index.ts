export { connectPostgres, openDatabase } from './client';
export type { Database, OpenOptions, VigilPrisma, VigilTransaction } from './client';
export { DatabaseError } from './errors';
export { DATA_DIR_ENTRY, missingDatabaseProblem, tightenDataDir } from './embedded-files';
export { EMBEDDED_NODE_ARGS, EMBEDDED_PROCESS_ENV } from './embedded-process';
export type { DataDirState, TightenLog } from './embedded-files';
export type { DatabaseErrorCode } from './errors';
export { resolveDatabaseTarget, redactUrl, describeTarget } from './target';
export type { DatabaseTarget } from './target';
export { withPgTransaction, withTransaction } from './transaction';
export type { Unlisten } from './listen';
export { OUTBOX_CHANNEL, RESULTS_CHANNEL } from './channels';
export { PREPARED, preparedStatementName } from './prepared';
export { pgTx, sqlDb, sqlTx } from './sql';
export type { SqlDatabase, SqlTx, Statement, Transaction } from './sql';
export type { TransactionOptions } from './transaction';
export { claimRows, claimStatement } from './claim';
export type { ClaimQuery } from './claim';
export { migrate, pendingMigrations } from './migrations/apply';
export type { MigrateOptions, MigrateResult } from './migrations/apply';
export { diffMigrationsToSchema } from './migrations/diff';
export type { SchemaDiff } from './migrations/diff';
export { findPrismaDir, readMigrationSet } from './migrations/files';
export { Prisma } from './generated/client';
export * from './generated/enums';
export type {
  ApiKey,
  AuditLog,
  Check,
  CheckResult,
  Endpoint,
  EventTransition,
  HeartbeatPing,
  LocationState,
  MaintenanceWindow,
  Notification,
  NotificationAttempt,
  NotificationChannel,
  Runner,
  Site,
  SiteEvent,
} from './generated/client';
export { connectDatabase } from './startup';
export type { ConnectOptions } from './startup';
export { databaseReadiness } from './readiness';
export { openServiceDatabase } from './service';
export {
  cutoffs,
  DEFAULT_PARTITION,
  PARTITIONS_AHEAD_DAYS,
  partitionName,
  planPartitions,
  RETAINED_TABLES,
  retentionSettingsFrom,
} from './retention/plan';
export type { RetainedTable, RetentionEnvSettings, RetentionSettings } from './retention/plan';
export { DELETE_BATCH_SIZE, ensurePartitions, isPartitioned, listPartitions, RETENTION_LOCK_KEY, runRetention } from './retention/run';
export type { RetentionLog, RetentionOptions, RetentionReport, TableReport } from './retention/run';
export { retentionMetrics, startRetentionJob } from './retention/job';
export { FOLD_CHECKS_PER_BATCH, foldRollups } from './retention/fold';
export type { FoldReport } from './retention/fold';
export type { RetentionJob, RetentionJobOptions } from './retention/job';
