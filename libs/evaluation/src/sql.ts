import { Prisma, preparedStatementName, type VigilTransaction } from '@vigil/db';
import type { PoolClient } from 'pg';

/** A statement: its text with `$n` placeholders and their values (a `Prisma.Sql` is one). */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

const SQL_TX = Symbol('vigil.sqlTx');

/**
 * The transaction the evaluator's statements run in: Prisma's (the embedded database, the sweeps,
 * `evaluateCheck`), or on PostgreSQL a connection of the pool held by `withPgTransaction`, which
 * the passes take: Prisma's interactive transaction cost more CPU per statement than the
 * evaluation of a whole batch. Every statement is raw SQL either way; results come as each
 * driver parses them, so the statements return only what both give alike (int4, text, boolean,
 * json, timestamptz as Date; int8 as text or converted where it is read).
 */
export interface SqlTx {
  readonly [SQL_TX]: true;
  query<T>(statement: Statement): Promise<T[]>;
  execute(statement: Statement): Promise<void>;
  /** Prisma's transaction, when it is one: the few writes that go through its models (the runners' site). */
  readonly prisma?: VigilTransaction;
}

/** A Prisma transaction, or one already wrapped. */
export type Transaction = VigilTransaction | SqlTx;

function isSqlTx(tx: Transaction): tx is SqlTx {
  return (tx as Partial<SqlTx>)[SQL_TX] === true;
}

/** Prisma's transaction as an SqlTx: `Prisma.Sql` goes through `$queryRaw` as before, a plain text through `$queryRawUnsafe`. */
export function sqlTx(tx: Transaction): SqlTx {
  if (isSqlTx(tx)) return tx;
  return {
    [SQL_TX]: true,
    prisma: tx,
    query: <T>(s: Statement) => (s instanceof Prisma.Sql ? tx.$queryRaw<T[]>(s) : tx.$queryRawUnsafe<T[]>(s.text, ...s.values)),
    execute: async (s: Statement) => {
      await (s instanceof Prisma.Sql ? tx.$executeRaw(s) : tx.$executeRawUnsafe(s.text, ...s.values));
    },
  };
}

/** A PostgreSQL connection in a transaction (`withPgTransaction`) as an SqlTx; texts marked PREPARED are named statements. */
export function pgTx(client: PoolClient): SqlTx {
  const run = (s: Statement) => client.query({ name: preparedStatementName(s.text), text: s.text, values: s.values as unknown[] });
  return {
    [SQL_TX]: true,
    query: async <T>(s: Statement) => (await run(s)).rows as T[],
    execute: async (s: Statement) => {
      await run(s);
    },
  };
}
