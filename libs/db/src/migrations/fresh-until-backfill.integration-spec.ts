import type { Database } from '../client';
import { testDatabaseKinds } from '../testing';
import { migrate } from './apply';
import { type HeldBackMigration, holdBackMigration } from './held-back';

jest.setTimeout(180_000);

const MIGRATION = '20261205104248_location_states_fresh_until';

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the migration that adds location_states.fresh_until on %s', (kind) => {
  let held: HeldBackMigration;
  let db: Database;
  beforeAll(async () => {
    held = await holdBackMigration(kind, MIGRATION);
    db = held.db;
  });
  afterAll(() => held.close());

  it('backfills fresh_until from each check’s interval and timeout, null where no conclusive result keeps it fresh', async () => {
    await migrate(db, { prismaDir: held.prismaDir });
    const { siteId, checkId } = await held.insertCheck('f');
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO location_states (check_id, site_id, location, last_result_at, last_inconclusive) VALUES
         ($1, $2, 'eu-1', '2026-12-04T12:00:00.123Z', false), ($1, $2, 'us-1', '2026-12-04T12:00:00Z', true), ($1, $2, 'ap-1', NULL, false)`,
      checkId,
      siteId,
    );

    expect((await migrate(db)).applied).toEqual([MIGRATION]);
    const rows = await db.prisma.locationState.findMany({ where: { checkId }, orderBy: { location: 'asc' } });
    // 2 × 30 s + 5 s + 10 s = 75 s (freshForMs), to the millisecond.
    expect(rows.map((r) => [r.location, r.freshUntil])).toEqual([
      ['ap-1', null],
      ['eu-1', new Date('2026-12-04T12:01:15.123Z')],
      ['us-1', null],
    ]);
  });
});
