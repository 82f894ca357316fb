import type { Database, VigilTransaction } from './client';

export interface TransactionOptions {
  /** How long the transaction may run before Prisma aborts it (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for a connection to start it (default 10 s). */
  maxWaitMs?: number;
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
}

/** Runs `fn` in one transaction: all of its writes commit together or none do. */
export function withTransaction<T>(
  db: Pick<Database, 'prisma'>,
  fn: (tx: VigilTransaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return db.prisma.$transaction(fn, {
    timeout: options.timeoutMs ?? 10_000,
    maxWait: options.maxWaitMs ?? 10_000,
    isolationLevel: options.isolationLevel,
  });
}
