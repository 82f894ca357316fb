import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing';
import { withPgTransaction } from './transaction';

// The pool is PostgreSQL's: the embedded database has none (Database.pool is undefined there).
const onPostgres = testDatabaseUrl() ? describe : describe.skip;

onPostgres('transactions on a connection of the pool, without Prisma', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.dispose());

  const pool = () => {
    if (t.db.pool === undefined) throw new Error('a PostgreSQL database has a pool');
    return t.db.pool;
  };
  const count = (slug: string) => t.db.prisma.site.count({ where: { slug } });

  it('commits what the function wrote when it resolves, on the pool Prisma draws from', async () => {
    const answer = await withPgTransaction(pool(), async (client) => {
      await client.query(`INSERT INTO sites (name, slug) VALUES ('pg', 'pg-commit')`);
      // Not visible outside before the commit.
      expect(await count('pg-commit')).toBe(0);
      return 42;
    });
    expect(answer).toBe(42);
    expect(await count('pg-commit')).toBe(1);
    // The connection went back to the pool: the pool Prisma uses (poolSize 4), none held.
    expect(pool().totalCount).toBeLessThanOrEqual(4);
    expect(pool().waitingCount).toBe(0);
  });

  it('rolls back every write when the function throws, and gives the connection back clean', async () => {
    await expect(
      withPgTransaction(pool(), async (client) => {
        await client.query(`INSERT INTO sites (name, slug) VALUES ('pg', 'pg-rollback')`);
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    expect(await count('pg-rollback')).toBe(0);
  });

  it('rolls back a statement that fails, and the connection it gives back is usable (not left in the aborted transaction)', async () => {
    await expect(withPgTransaction(pool(), (client) => client.query('SELECT 1/0'))).rejects.toThrow('division by zero');
    expect(await withPgTransaction(pool(), async (client) => (await client.query('SELECT 1 AS one')).rows)).toEqual([{ one: 1 }]);
  });

  it('bounds each statement by timeoutMs, as Prisma bounds its transactions, and leaves the bound on no connection', async () => {
    await expect(withPgTransaction(pool(), (client) => client.query('SELECT pg_sleep(5)'), { timeoutMs: 200 })).rejects.toThrow(
      'statement timeout',
    );
    expect(await withPgTransaction(pool(), async (client) => (await client.query('SHOW statement_timeout')).rows)).toEqual([
      { statement_timeout: '10s' },
    ]);
    // SET LOCAL: outside a transaction every connection of the pool has the server's setting.
    const outside = await Promise.all([1, 2, 3, 4].map(async () => (await pool().query('SHOW statement_timeout')).rows[0].statement_timeout));
    expect(outside).toEqual(['0', '0', '0', '0']);
  });
});
