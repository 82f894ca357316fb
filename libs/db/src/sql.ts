import type { QueryConfig, QueryResult } from 'pg';
import type { Database, VigilTransaction } from './client';
import { Prisma } from './generated/client';
import { preparedStatementName } from './prepared';

/** A statement: its text with `$n` placeholders and their values (a `Prisma.Sql` is one). */
export interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
}

const SQL_TX = Symbol('vigil.sqlTx');

/**
 * Where a hot path's raw statements run: Prisma (the embedded database, and its transactions), or
 * on PostgreSQL the pool, or a connection of it held by `withPgTransaction`, without Prisma, whose
 * `$queryRaw` cost ~0.35–0.48 ms of CPU per statement against ~0.12 on plain pg. Every statement
 * is raw SQL either way; results come as each driver parses them, so the statements return only
 * what both give alike (int4, text, boolean, json, timestamptz as Date; int8 as text or converted
 * where it is read).
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

/** What the hot paths need of the database: Prisma, and on PostgreSQL the pool their statements run on without it. */
export type SqlDatabase = Pick<Database, 'prisma'> & Partial<Pick<Database, 'pool'>>;

/** What runs a pg query: the pool, or one of its connections. */
interface PgQueryable {
  query(config: QueryConfig): Promise<QueryResult>;
}

/** Prisma's transaction as an SqlTx: `Prisma.Sql` goes through `$queryRaw` as before, a plain text through `$queryRawUnsafe`. */
export function sqlTx(tx: Transaction): SqlTx {
  if (isSqlTx(tx)) return tx;
  return prismaSql(tx, tx);
}

function prismaSql(tx: Pick<VigilTransaction, '$queryRaw' | '$queryRawUnsafe' | '$executeRaw' | '$executeRawUnsafe'>, prisma?: VigilTransaction): SqlTx {
  return {
    [SQL_TX]: true,
    prisma,
    query: <T>(s: Statement) => (s instanceof Prisma.Sql ? tx.$queryRaw<T[]>(s) : tx.$queryRawUnsafe<T[]>(s.text, ...s.values)),
    execute: async (s: Statement) => {
      await (s instanceof Prisma.Sql ? tx.$executeRaw(s) : tx.$executeRawUnsafe(s.text, ...s.values));
    },
  };
}

/** A PostgreSQL connection in a transaction (`withPgTransaction`), or the pool, as an SqlTx; texts marked PREPARED are named statements. */
export function pgTx(client: PgQueryable): SqlTx {
  const run = (s: Statement) => client.query({ name: preparedStatementName(s.text), text: s.text, values: s.values as unknown[] });
  return {
    [SQL_TX]: true,
    query: async <T>(s: Statement) => (await run(s)).rows as T[],
    execute: async (s: Statement) => {
      await run(s);
    },
  };
}

/**
 * The database outside a transaction, for a hot path's single statements (each its own implicit
 * transaction, as through `$queryRaw`): on PostgreSQL the pool Prisma draws on, without Prisma;
 * on the embedded database, Prisma.
 */
export function sqlDb(db: SqlDatabase): SqlTx {
  return db.pool === undefined ? prismaSql(db.prisma) : pgTx(db.pool);
}
