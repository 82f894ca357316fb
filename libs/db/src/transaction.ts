import type { Pool, PoolClient } from 'pg';
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

/**
 * Runs `fn` in one transaction on a connection of `pool` (`Database.pool`), without Prisma: for a
 * hot path whose statements are raw SQL anyway, where Prisma's interactive transaction cost more
 * CPU per statement than the statement itself. BEGIN, then COMMIT when `fn` resolves, ROLLBACK
 * when it throws; a connection that could not roll back is closed, not reused. Each statement
 * may run at most `timeoutMs` (default 10 s), and the transaction idle as long.
 */
export async function withPgTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: Pick<TransactionOptions, 'timeoutMs'> = {},
): Promise<T> {
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? 10_000));
  const client = await pool.connect();
  // A connection that dies while checked out emits 'error': the query in flight fails with it.
  const ignore = () => undefined;
  client.on('error', ignore);
  let broken: Error | undefined;
  try {
    // Bounded as Prisma's transactions are (timeoutMs): no statement of it hangs on a lock or a
    // stuck server for longer, and a client that stops between statements is ended by the server.
    // One round trip: a simple query may hold several statements when it has no parameters.
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL idle_in_transaction_session_timeout = ${timeoutMs}`,
    );
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollback: Error) => {
      broken = rollback;
    });
    throw error;
  } finally {
    client.removeListener('error', ignore);
    client.release(broken);
  }
}
