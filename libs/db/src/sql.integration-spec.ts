import type { Database } from './client';
import { Prisma } from './generated/client';
import { PREPARED } from './prepared';
import { sqlDb } from './sql';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from './testing';

// On PostgreSQL too: what it tests is which driver runs the statement, and that both parse its values alike.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('sqlDb on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  /** The database with a Prisma that counts its raw statements. */
  function counting(db: Database): { db: Pick<Database, 'prisma' | 'pool'>; calls: () => number } {
    let calls = 0;
    const prisma = new Proxy(db.prisma, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof key !== 'string' || !key.startsWith('$') || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { db: { prisma, pool: db.pool }, calls: () => calls };
  }

  const statement = (n: number) => Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT ${n}::int + 1 AS n, 'a' || ${String(n)} AS text, ${n} > 1 AS big, jsonb_build_object('n', ${n}::int) AS doc,
           timestamptz '2026-01-02T03:04:05.678Z' AS at`;

  it('gives the same values on both drivers, for a prepared statement run again', async () => {
    const sql = sqlDb(t.db);
    for (const n of [1, 2]) {
      expect(await sql.query(statement(n))).toEqual([{ n: n + 1, text: `a${n}`, big: n > 1, doc: { n }, at: new Date('2026-01-02T03:04:05.678Z') }]);
    }
  });

  it('runs on the pool without Prisma on PostgreSQL, and through Prisma on the embedded database', async () => {
    const { db, calls } = counting(t.db);
    await sqlDb(db).query(statement(3));
    await sqlDb(db).execute(Prisma.sql`SELECT ${1}::int`);
    expect(calls()).toBe(kind === 'postgres' ? 0 : 2);
  });
});
