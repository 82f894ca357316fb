export type DatabaseErrorCode =
  | 'invalid_url'
  | 'unreachable'
  | 'data_dir_unusable'
  | 'database_missing'
  | 'locked'
  | 'migrations_missing'
  | 'migration_edited'
  | 'migration_failed'
  | 'unsafe_query';

/** The one error type that leaves the db lib; `message` is a single line fit for an operator. */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
