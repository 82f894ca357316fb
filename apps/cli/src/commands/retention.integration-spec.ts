import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase, resolveDatabaseTarget } from '@vigil/db';
import { createEmbeddedDataDir, createSiteWithCheck } from '@vigil/db/testing';
import { cliWith } from '../test-helpers';

jest.setTimeout(120_000);

const DAY_MS = 86_400_000;

async function withDb<T>(dir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(resolveDatabaseTarget(undefined, dir), { maintenanceIntervalMs: 0 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

// The embedded database: the command opens the data dir itself, as admin-key create does.
describe('vigil retention', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-retention-'));
    await createEmbeddedDataDir(dir);
    await withDb(dir, async (db) => {
      const { site, check } = await createSiteWithCheck(db.prisma);
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at)
         SELECT $1, $2, gen_random_uuid(), 'eu-1', true, now() - d * interval '1 day' FROM unnest(ARRAY[40, 35, 31, 29, 1]) AS d`,
        check.id,
        site.id,
      );
      // Evaluated: not queued.
      await db.prisma.$executeRawUnsafe('DELETE FROM pending_results');
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const count = () => withDb(dir, (db) => db.prisma.checkResult.count());

  it('says with --dry-run what would go, per table, and removes nothing', async () => {
    const { code, stdout } = await cliWith({ VIGIL_DATA_DIR: dir })(['retention', '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Would remove \(dry run: nothing removed\):/);
    expect(stdout).toMatch(/^TABLE\s+OLDER THAN\s+WOULD REMOVE\s+OLDEST KEPT$/m);
    expect(stdout).toMatch(/^check_results\s+\S+Z\s+3 rows\s+\S+Z$/m);
    expect(stdout).toMatch(/^notifications\s+\S+Z\s+0 rows\s+-$/m);
    expect(await count()).toBe(5);
  });

  it('removes what is older than VIGIL_RETENTION_RESULTS_DAYS', async () => {
    const { code, stdout } = await cliWith({ VIGIL_DATA_DIR: dir, VIGIL_RETENTION_RESULTS_DAYS: '30' })(['retention']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^check_results\s+\S+Z\s+3 rows in 1 statements/m);
    expect(await count()).toBe(2);
    const ages = await withDb(dir, (db) => db.prisma.checkResult.findMany({ select: { checkedAt: true } }));
    expect(ages.every((r) => Date.now() - r.checkedAt.getTime() < 30 * DAY_MS)).toBe(true);
  });

  it('refuses a retention under its floor before opening anything', async () => {
    const { code, stderr } = await cliWith({ VIGIL_DATA_DIR: dir, VIGIL_RETENTION_RESULTS_DAYS: '0' })(['retention']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/VIGIL_RETENTION_RESULTS_DAYS must be a whole number of days between 2 and 3650/);
  });
});
