import type { Database } from '../client';
import { testDatabaseKinds } from '../testing';
import { migrate } from './apply';
import { type HeldBackMigration, holdBackMigration } from './held-back';

jest.setTimeout(180_000);

const MIGRATION = '20261206100000_location_states_check_location_key';

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the migration that keys location_states by (check_id, location) on %s', (kind) => {
  let held: HeldBackMigration;
  let db: Database;
  beforeAll(async () => {
    held = await holdBackMigration(kind, MIGRATION);
    db = held.db;
  });
  afterAll(() => held.close());

  it('keeps every state as it was, keyed by its check and location, with one index fewer', async () => {
    await migrate(db, { prismaDir: held.prismaDir });
    const { siteId, checkId } = await held.insertCheck('k');
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO location_states (check_id, site_id, location, failing_strikes, resolved, next_due_at, lease_run_id, leased_until) VALUES
         ($1, $2, 'eu-1', 2, false, '2026-12-04T12:00:00Z', '00000000-0000-4000-8000-000000000001', '2026-12-04T12:00:35Z'),
         ($1, $2, 'us-1', 0, true, '2026-12-04T12:00:10Z', NULL, NULL)`,
      checkId,
      siteId,
    );
    const indexes = async () =>
      (await db.prisma.$queryRawUnsafe<{ indexdef: string }[]>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'location_states' ORDER BY indexname`)).length;
    const withId = await indexes();

    expect((await migrate(db)).applied).toEqual([MIGRATION]);
    const rows = await db.prisma.locationState.findMany({ where: { checkId }, orderBy: { location: 'asc' } });
    expect(rows.map((r) => [r.location, r.failingStrikes, r.resolved, r.nextDueAt.toISOString(), r.leaseRunId, r.leasedUntil?.toISOString() ?? null])).toEqual([
      ['eu-1', 2, false, '2026-12-04T12:00:00.000Z', '00000000-0000-4000-8000-000000000001', '2026-12-04T12:00:35.000Z'],
      ['us-1', 0, true, '2026-12-04T12:00:10.000Z', null, null],
    ]);
    // Every lease is a non-HOT update: it writes one entry in each of these.
    expect(await indexes()).toBe(withId - 1);
    const key = await db.prisma.$queryRawUnsafe<{ indexdef: string }[]>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'location_states_pkey'`);
    expect(key[0].indexdef).toMatch(/UNIQUE INDEX location_states_pkey ON (public\.)?location_states USING btree \(check_id, location\)/);
    // Still the key a check's location is added by (ON CONFLICT (check_id, location)).
    await expect(
      db.prisma.$executeRawUnsafe(`INSERT INTO location_states (check_id, site_id, location) VALUES ($1, $2, 'eu-1')`, checkId, siteId),
    ).rejects.toThrow(/location_states_pkey/);
  });
});
