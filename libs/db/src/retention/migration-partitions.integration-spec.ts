import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../client';
import { migrate } from '../migrations/apply';
import { findPrismaDir } from '../migrations/files';
import { createScratchPostgres, testDatabaseKinds } from '../testing';
import { DAY_MS, dayStart, partitionName } from './plan';
import { isPartitioned, listPartitions } from './run';

jest.setTimeout(180_000);

const MIGRATION = '20261205080033_check_results_partitioned';

// PostgreSQL only: the migration converts the table there (it leaves PGlite's as it is).
const onPostgres = testDatabaseKinds({ postgres: 'semantics' }).includes('postgres');
(onPostgres ? describe : describe.skip)('the migration that partitions check_results', () => {
  it('moves every existing row into daily partitions, keeping ids, constraints and the idempotency key', async () => {
    const before = mkdtempSync(join(tmpdir(), 'vigil-prisma-'));
    cpSync(findPrismaDir(), before, { recursive: true });
    // This migration and the later ones (the queue of pending results, which drops evaluated_at, among them).
    const later = readdirSync(join(before, 'migrations')).filter((name) => /^\d/.test(name) && name >= MIGRATION).sort();
    for (const name of later) rmSync(join(before, 'migrations', name), { recursive: true, force: true });
    const scratch = await createScratchPostgres();
    const db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 });
    try {
      await migrate(db, { prismaDir: before });
      expect(await isPartitioned(db)).toBe(false);
      const [{ id: siteId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO sites (name, slug) VALUES ('m', 'm') RETURNING id`);
      const [{ id: endpointId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO endpoints (site_id, target) VALUES ($1, 'https://m.example/') RETURNING id`,
        siteId,
      );
      const [{ id: checkId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO checks (endpoint_id, type) VALUES ($1, 'http') RETURNING id`, endpointId);
      // Three days of results, one unevaluated, and a year-and-a-half-old one.
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at, evaluated_at)
         SELECT $1, $2, gen_random_uuid(), 'eu-1', g % 7 <> 0, now() - g * interval '30 minutes', CASE WHEN g > 1 THEN now() END FROM generate_series(1, 144) g`,
        checkId,
        siteId,
      );
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at, evaluated_at) VALUES ($1, $2, gen_random_uuid(), 'eu-1', true, now() - interval '540 days', now())`,
        checkId,
        siteId,
      );
      // Evaluated: marked so before the queue of pending results, not queued after it.
      const snapshot = (evaluated: string) =>
        db.prisma.$queryRawUnsafe<{ id: string; run_id: string; checked_at: Date; evaluated: boolean }[]>(
          `SELECT id::text, run_id::text, checked_at, ${evaluated} AS evaluated FROM check_results ORDER BY id`,
        );
      const rows = await snapshot('evaluated_at IS NOT NULL');
      expect(rows).toHaveLength(145);

      expect((await migrate(db)).applied).toEqual(later);
      expect(await isPartitioned(db)).toBe(true);
      // The unevaluated result carried into the queue, the evaluated ones not.
      expect(await snapshot('NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = check_results.id)')).toEqual(rows);
      expect(await db.prisma.pendingResult.count()).toBe(1);
      const partitions = await listPartitions(db);
      const now = Date.now();
      for (const back of [0, 1, 2, 3]) expect(partitions).toContain(partitionName(dayStart(now - back * DAY_MS)));
      for (const ahead of [1, 2, 3]) expect(partitions).toContain(partitionName(dayStart(now + ahead * DAY_MS)));
      expect(partitions).toContain('check_results_default');
      // 400 days of daily partitions at most; the older row in the one that ends where they start.
      expect(partitions.filter((p) => p !== 'check_results_default').length).toBeLessThanOrEqual(405);
      const [{ part }] = await db.prisma.$queryRawUnsafe<{ part: string }[]>(
        `SELECT tableoid::regclass::text AS part FROM check_results WHERE checked_at < now() - interval '500 days'`,
      );
      expect(part).toBe(partitionName(dayStart(now - 401 * DAY_MS)));
      const inDefault = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM check_results_default`);
      expect(inDefault[0].n).toBe(0);

      // The sequence goes on past the moved ids; a replay conflicts; the check constraints hold.
      const [{ id: newId }] = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at) VALUES ($1, $2, gen_random_uuid(), 'eu-1', true, now()) RETURNING id::text`,
        checkId,
        siteId,
      );
      expect(BigInt(newId)).toBeGreaterThan(BigInt(rows[rows.length - 1].id));
      const replayed = await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at) SELECT check_id, site_id, run_id, location, ok, checked_at FROM check_results
         ON CONFLICT (check_id, run_id, checked_at) DO NOTHING`,
      );
      expect(replayed).toBe(0);
      await expect(
        db.prisma.$executeRawUnsafe(
          `INSERT INTO check_results (check_id, site_id, run_id, location, ok, inconclusive, checked_at) VALUES ($1, $2, gen_random_uuid(), 'eu-1', true, true, now())`,
          checkId,
          siteId,
        ),
      ).rejects.toThrow(/check_results_inconclusive_not_ok/);
      // The foreign key: deleting the check takes its results along, in every partition.
      await db.prisma.$executeRawUnsafe(`DELETE FROM checks WHERE id = $1`, checkId);
      expect(await db.prisma.checkResult.count()).toBe(0);
      expect(await db.prisma.pendingResult.count()).toBe(0);
    } finally {
      await db.close();
      await scratch.drop();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
