import { claimRows } from './claim';
import { DatabaseError } from './errors';
import { Prisma } from './generated/client';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from './testing';
import { withTransaction } from './transaction';

// PostgreSQL: FOR NO KEY UPDATE SKIP LOCKED between concurrent transactions.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('claiming and transactions on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await t.db.prisma.site.createMany({ data: Array.from({ length: 20 }, (_, i) => ({ name: `s${i}`, slug: `s${i}` })) });
  });
  afterAll(() => t.dispose());

  it('commits every write of a transaction or none of them', async () => {
    await expect(
      withTransaction(t.db, async (tx) => {
        await tx.site.create({ data: { name: 'tx', slug: 'tx-1' } });
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    expect(await t.db.prisma.site.count({ where: { slug: 'tx-1' } })).toBe(0);
  });

  it('claims rows in order up to the limit', async () => {
    const rows = await withTransaction(t.db, (tx) =>
      claimRows<{ slug: string }>(tx, { table: 'sites', where: Prisma.sql`slug LIKE 's%'`, orderBy: Prisma.sql`id`, limit: 3 }),
    );
    expect(rows.map((r) => r.slug)).toEqual(['s0', 's1', 's2']);
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await expect(
      withTransaction(t.db, (tx) => claimRows(tx, { table: 'sites; DROP TABLE sites', where: Prisma.sql`true`, orderBy: Prisma.sql`id`, limit: 1 })),
    ).rejects.toBeInstanceOf(DatabaseError);
  });

  if (kind === 'postgres') {
    it('gives concurrent claimers disjoint rows, without waiting for each other', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstClaimed!: (slugs: string[]) => void;
      const first = new Promise<string[]>((resolve) => (firstClaimed = resolve));
      const claim = (tx: Parameters<Parameters<typeof withTransaction>[1]>[0]) =>
        claimRows<{ slug: string }>(tx, { table: 'sites', where: Prisma.sql`slug LIKE 's%'`, orderBy: Prisma.sql`id`, limit: 5 });

      const holder = withTransaction(t.db, async (tx) => {
        firstClaimed((await claim(tx)).map((r) => r.slug));
        await held; // keep the locks while the second claimer runs
      });
      const a = await first;
      const b = (await withTransaction(t.db, claim)).map((r) => r.slug);
      release();
      await holder;
      expect(a).toHaveLength(5);
      expect(b).toHaveLength(5);
      expect(a.filter((slug) => b.includes(slug))).toEqual([]);
    });

    it('keeps a claim asked to be prepared as a named statement of its connection, giving the same rows', async () => {
      const claim = (tx: Parameters<Parameters<typeof withTransaction>[1]>[0], prepared: boolean) =>
        claimRows<{ slug: string }>(tx, { table: 'sites', where: Prisma.sql`slug LIKE ${'s1%'}`, orderBy: Prisma.sql`id`, limit: 2, prepared });
      const seen = await withTransaction(t.db, async (tx) => {
        const plain = await claim(tx, false);
        const prepared = await claim(tx, true);
        const again = await claim(tx, true);
        const named = await tx.$queryRaw<Array<{ statement: string }>>`SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%SKIP LOCKED%'`;
        return { plain, prepared, again, named: named.map((row) => row.statement) };
      });
      expect(seen.prepared.map((r) => r.slug)).toEqual(['s1', 's10']);
      expect(seen.again).toEqual(seen.prepared);
      expect(seen.plain).toEqual(seen.prepared);
      expect(seen.named).toHaveLength(1);
      expect(seen.named[0]).toMatch(/^\/\* vigil:prepared \*\//);
    });

    it('lets rows that reference a claimed row be written meanwhile (a foreign key check does not wait on the claim)', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let claimed!: (id: number) => void;
      const site = new Promise<number>((resolve) => (claimed = resolve));
      const holder = withTransaction(t.db, async (tx) => {
        const [row] = await claimRows<{ id: number }>(tx, { table: 'sites', where: Prisma.sql`slug = 's19'`, orderBy: Prisma.sql`id`, limit: 1 });
        claimed(row?.id ?? -1);
        await held;
      });
      try {
        const siteId = await site;
        // Fails with a lock timeout if the insert's FOR KEY SHARE on the site waits for the claim.
        await withTransaction(t.db, async (tx) => {
          await tx.$executeRaw`SET LOCAL lock_timeout = '2s'`;
          await tx.endpoint.create({ data: { siteId, target: 'https://claimed.example/' } });
        });
        expect(await t.db.prisma.endpoint.count({ where: { siteId } })).toBe(1);
      } finally {
        release();
        await holder;
      }
    });
  }
});
