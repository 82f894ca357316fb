import { Prisma } from './generated/client';
import { PREPARED } from './prepared';
import { createTestDatabase, type TestDatabase, testDatabaseUrl } from './testing';

// Named statements are PostgreSQL's (PGlite takes the marker as the comment it is).
const onPostgres = testDatabaseUrl() ? describe : describe.skip;

onPostgres('statements marked PREPARED on PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.dispose());

  const preparedHere = async (): Promise<string[]> => {
    const rows = await database.db.prisma.$queryRaw<Array<{ statement: string }>>`SELECT statement FROM pg_prepared_statements WHERE name LIKE 'vigil\\_%'`;
    return rows.map((row) => row.statement);
  };

  it('are prepared once per connection and give the same answers each time, while unmarked ones are not kept', async () => {
    const marked = (n: number) => database.db.prisma.$queryRaw<Array<{ doubled: number }>>(Prisma.sql`${Prisma.raw(PREPARED)} SELECT ${n}::int * 2 AS doubled`);
    for (let n = 1; n <= 12; n++) expect(await marked(n)).toEqual([{ doubled: 2 * n }]);
    await database.db.prisma.$queryRaw`SELECT 'unmarked' AS what`;

    // The pool has up to 4 connections: each prepared the marked statement at most once.
    const statements = await Promise.all(Array.from({ length: 4 }, () => preparedHere()));
    for (const seen of statements) {
      expect(seen.every((statement) => statement.startsWith(PREPARED))).toBe(true);
      expect(seen.length).toBeLessThanOrEqual(1);
    }
    expect(statements.some((seen) => seen.length === 1)).toBe(true);
  });
});
