import type { VigilTransaction } from './client';
import { DatabaseError } from './errors';
import { Prisma } from './generated/client';
import { PREPARED } from './prepared';

export interface ClaimQuery {
  /** A table name as it is in the database (snake_case). */
  table: string;
  /** Which rows may be claimed, e.g. Prisma.sql`status = 'pending' AND next_attempt_at <= now()`. */
  where: Prisma.Sql;
  /** The order rows are claimed in, e.g. Prisma.sql`next_attempt_at, id`. */
  orderBy: Prisma.Sql;
  limit: number;
  /** Columns to return (default every column). */
  columns?: Prisma.Sql;
  /** Prepared once per connection (PREPARED): for a claim on a hot path whose SQL text is fixed. */
  prepared?: boolean;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Locks and returns up to `limit` rows that no other transaction holds
 * (`FOR NO KEY UPDATE SKIP LOCKED`): concurrent workers each get different rows and
 * never wait on each other. The lock lasts until the transaction ends, so
 * call it inside `withTransaction` and mark the rows done in the same one.
 * Not `FOR UPDATE`: that also blocks the `FOR KEY SHARE` a foreign key check takes, so an
 * ingest storing results of a claimed check waited on the evaluator while holding rows the
 * evaluator wanted next (a deadlock, seen across processes).
 */
export async function claimRows<Row>(tx: VigilTransaction, query: ClaimQuery): Promise<Row[]> {
  return tx.$queryRaw<Row[]>(claimStatement(query));
}

/** The statement {@link claimRows} runs, for a caller that runs it on a connection of its own. */
export function claimStatement(query: ClaimQuery): Prisma.Sql {
  if (!IDENTIFIER.test(query.table)) {
    throw new DatabaseError('unsafe_query', `Refused to claim from "${query.table}": not a plain table name`);
  }
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new DatabaseError('unsafe_query', `Refused to claim ${query.limit} rows: the limit must be a positive integer`);
  }
  const columns = query.columns ?? Prisma.raw('*');
  return Prisma.sql`${Prisma.raw(query.prepared ? PREPARED : '')}
    SELECT ${columns} FROM ${Prisma.raw(`"${query.table}"`)}
    WHERE ${query.where}
    ORDER BY ${query.orderBy}
    LIMIT ${query.limit}
    FOR NO KEY UPDATE SKIP LOCKED`;
}
