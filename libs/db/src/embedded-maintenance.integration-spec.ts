import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from './client';

describe('the embedded database vacuums itself', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-vacuum-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reclaims the dead rows of a table updated in place, as autovacuum would', async () => {
    const warnings: string[] = [];
    const db = await openDatabase({ kind: 'embedded', dataDir: dir }, { maintenanceIntervalMs: 100, log: { warn: (m) => warnings.push(m) } });
    try {
      await db.prisma.$executeRawUnsafe('CREATE TABLE leases (id int PRIMARY KEY, due timestamptz NOT NULL)');
      await db.prisma.$executeRawUnsafe('CREATE INDEX leases_due ON leases (due)');
      await db.prisma.$executeRawUnsafe('INSERT INTO leases SELECT g, now() FROM generate_series(1, 200) g');
      // The indexed column changes: no HOT update, 1,000 dead versions for 200 rows.
      for (let round = 1; round <= 5; round++) await db.prisma.$executeRawUnsafe(`UPDATE leases SET due = now() + interval '${round} s'`);
      const stats = () =>
        db.prisma.$queryRawUnsafe<{ dead: number; vacuumed: boolean; analyzed: boolean }[]>(
          `SELECT n_dead_tup::int AS dead, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'leases'`,
        );
      let [row] = await stats();
      for (let waited = 0; !row.vacuumed && waited < 300; waited++) {
        await sleep(100);
        [row] = await stats();
      }
      expect(row).toEqual({ dead: 0, vacuumed: true, analyzed: true });
      expect(warnings).toEqual([]);
    } finally {
      await db.close();
    }
  }, 180_000);
});
