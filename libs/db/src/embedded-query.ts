import { parse, type PGlite, protocol, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

const { serialize } = protocol;

/** Statements kept prepared at once: the least recently used beyond them are closed. */
export const MAX_PREPARED_STATEMENTS = 200;

/** SQLSTATEs after which a statement is prepared again: it is gone, or its plan cannot serve any more. */
const STALE_STATEMENT = new Set(['26000', '0A000']);

// Names unique in the process: two sets of statements on one PGlite never take each other's.
let named = 0;

// What PGlite's own query uses (not in its typings): its query and transaction locks.
type Locks = PGlite & {
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
};

interface Statement {
  readonly name: string;
  readonly paramTypes: readonly number[];
}

type Query = (sql: string, params?: unknown[], options?: QueryOptions) => Promise<Results>;

export interface PreparedQueries {
  /** PGlite's `query`, outside a transaction. */
  readonly query: Query;
  /** `tx.query`, for the transaction `tx` (which holds PGlite's transaction lock). */
  inTransaction(tx: Transaction): Query;
  /** Statements prepared now. */
  readonly size: number;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * PGlite's `query`, with each SQL text prepared once as a named statement. PGlite's own sends
 * Parse, Describe, Bind, Describe, Execute and Sync to the backend one at a time (six round trips
 * through its WebAssembly) and has PostgreSQL parse and plan the text every time, asking the
 * file system the size of every table it plans for: ~640 µs for a one-row select where the same
 * statement prepared costs ~210. Here a known text is one round trip, Bind to Sync, and a new one
 * a second before it (Parse, Describe). Results, errors, notifications and locking are PGlite's:
 * the same messages go through its parser.
 */
export function preparedQueries(pglite: PGlite): PreparedQueries {
  const db = pglite as Locks;
  const statements = new Map<string, Statement>();
  const send = (parts: readonly Uint8Array[]) => db.execProtocolStream(concat(parts), { syncToFs: false });

  async function prepare(sql: string): Promise<Statement> {
    const name = `vigil_q${++named}`;
    const messages = await send([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]);
    const statement = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    statements.set(sql, statement);
    while (statements.size > MAX_PREPARED_STATEMENTS) {
      const [oldest, { name: closed }] = statements.entries().next().value as [string, Statement];
      statements.delete(oldest);
      await send([serialize.close({ type: 'S', name: closed }), serialize.sync()]);
    }
    return statement;
  }

  async function run(sql: string, params: readonly unknown[], options: QueryOptions | undefined): Promise<Results> {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = await prepare(sql);
    } else {
      // Most recently used last: the map's order is the eviction order.
      statements.delete(sql);
      statements.set(sql, statement);
    }
    try {
      return await execute(statement, params, options);
    } catch (error) {
      if (!STALE_STATEMENT.has((error as { code?: string }).code ?? '')) throw error;
      if (statements.get(sql) === statement) statements.delete(sql);
      // Bind failed, so nothing ran: outside a transaction block it is safe to prepare and run it
      // again; inside one the failure has aborted the block, which is the caller's to roll back.
      if (db.isInTransaction()) throw error;
      return execute(await prepare(sql), params, options);
    }
  }

  async function execute(statement: Statement, params: readonly unknown[], options: QueryOptions | undefined): Promise<Results> {
    const types = statement.paramTypes;
    // As PGlite's query serialises them: by the type PostgreSQL inferred for each parameter.
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = options?.serializers?.[types[i]] ?? db.serializers[types[i]];
      return serializer ? serializer(value) : String(value);
    });
    const messages = await send([serialize.bind({ statement: statement.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
    return parse.parseResults(messages, db.parsers, options)[0];
  }

  // What PGlite's query does not take here: its own parsers (copied per query), a blob (COPY).
  const plain = (options: QueryOptions | undefined) => options?.parsers === undefined && options?.blob === undefined;

  return {
    async query(sql, params = [], options) {
      if (!plain(options)) return pglite.query(sql, params, options);
      await db._checkReady();
      return db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(async () => {
          const results = await run(sql, params, options);
          // As PGlite's query does outside a transaction.
          await db.syncToFs();
          return results;
        }),
      );
    },
    inTransaction(tx) {
      return async (sql, params = [], options) => {
        if (!plain(options)) return tx.query(sql, params, options);
        if (tx.closed) throw new Error('Transaction is closed');
        return db._runExclusiveQuery(() => run(sql, params, options));
      };
    },
    get size() {
      return statements.size;
    },
  };
}
