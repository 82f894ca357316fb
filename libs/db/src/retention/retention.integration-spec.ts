import { Client } from 'pg';
import type { Database } from '../client';
import { createSiteWithCheck, createTestDatabase, type TestDatabase, testDatabaseKinds } from '../testing';
import { DAY_MS, dayStart, partitionName, type RetentionSettings } from './plan';
import { ensurePartitions, listPartitions, RETENTION_LOCK_KEY, runRetention } from './run';

jest.setTimeout(120_000);

const settings: RetentionSettings = { resultsDays: 30, hourlyRollupsDays: 90, dailyRollupsDays: 730, notificationsDays: 365 };
const HOUR_MS = 3_600_000;

/** Results of one check `ago` ms before `now`, evaluated unless said. */
async function seedResults(db: Database, checkId: number, siteId: number, now: Date, agos: readonly number[], evaluated = true): Promise<void> {
  const stored = await db.prisma.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at)
     SELECT $1, $2, gen_random_uuid(), 'eu-1', true, $3::timestamptz - a * interval '1 millisecond'
     FROM unnest($4::bigint[]) AS a RETURNING id::text`,
    checkId,
    siteId,
    now.toISOString(),
    agos.map(String),
  );
  // Stored results are queued for the evaluator; an evaluated one has left the queue.
  if (evaluated) await db.prisma.$executeRawUnsafe(`DELETE FROM pending_results WHERE result_id = ANY($1::bigint[])`, stored.map((r) => r.id));
}

async function resultAges(db: Database, now: Date): Promise<{ ago: number; evaluated: boolean }[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ ago: number; evaluated: boolean }[]>(
    `SELECT (extract(epoch FROM $1::timestamptz - checked_at) * 1000)::float8 AS ago, NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = check_results.id) AS evaluated FROM check_results ORDER BY checked_at`,
    now.toISOString(),
  );
  return rows.map((r) => ({ ago: Math.round(r.ago), evaluated: r.evaluated }));
}

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('retention on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  const now = new Date();
  const cutoff = now.getTime() - 30 * DAY_MS;
  // Evaluated results: 45, 35 and 31 days old (gone), 30 days less an hour and 1 day old (kept);
  // one 40 days old not evaluated yet (never removed).
  const oldAgos = [45 * DAY_MS, 35 * DAY_MS, 35 * DAY_MS + HOUR_MS, 31 * DAY_MS];
  const youngAgos = [30 * DAY_MS - HOUR_MS, DAY_MS, 0];
  let checkId: number;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.db;
    const { site, check } = await createSiteWithCheck(db.prisma);
    checkId = check.id;
    // On PostgreSQL, the days of the old results get partitions, as they would have had when they were stored.
    for (const back of [45, 41, 35, 31]) await ensurePartitions(db, new Date(now.getTime() - back * DAY_MS));
    await seedResults(db, check.id, site.id, now, [...oldAgos, ...youngAgos]);
    await seedResults(db, check.id, site.id, now, [40 * DAY_MS], false);
    const hist = `array_fill(0, ARRAY[112])`;
    for (const [table, days] of [['check_rollups_hourly', [100, 91, 89, 1]], ['check_rollups_daily', [800, 731, 729, 1]]] as const) {
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO ${table} (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, histogram)
         SELECT $1, 'eu-1', date_trunc('hour', $2::timestamptz - d * interval '1 day'), 1, 0, 0, 0, 0, 0, ${hist} FROM unnest($3::int[]) AS d`,
        check.id,
        now.toISOString(),
        days,
      );
    }
    const event = await db.prisma.siteEvent.create({ data: { siteId: site.id, eventType: 'down', severity: 'high', startedAt: new Date(now.getTime() - 500 * DAY_MS) } });
    const channel = await db.prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', config: {} } });
    const notification = (key: string, status: 'pending' | 'delivered' | 'failed', daysAgo: number) =>
      db.prisma.notification.create({
        data: {
          siteId: site.id, eventId: event.id, channelId: channel.id, kind: 'outage_confirmed', idempotencyKey: key, status,
          createdAt: new Date(now.getTime() - daysAgo * DAY_MS),
          attempts: { create: [{ ok: status === 'delivered', at: new Date(now.getTime() - daysAgo * DAY_MS + 1000) }] },
        },
      });
    await notification('old-delivered', 'delivered', 400);
    await notification('old-failed', 'failed', 366);
    await notification('old-pending', 'pending', 400);
    await notification('young-delivered', 'delivered', 364);
    const pings = [
      ['success', 40], ['success', 35], ['success', 29], ['start', 50], ['fail', 45],
    ] as const;
    for (const [ping, daysAgo] of pings) {
      await db.prisma.heartbeatPing.create({ data: { checkId: check.id, siteId: site.id, kind: ping, receivedAt: new Date(now.getTime() - daysAgo * DAY_MS) } });
    }
  });
  afterAll(() => database.dispose());

  it('says what would go in a dry run, and removes nothing', async () => {
    const before = await resultAges(db, now);
    const report = await runRetention(db, { settings, now, dryRun: true });
    expect(report).toMatchObject({ outcome: 'done', dryRun: true, partitionsCreated: [] });
    const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(rows).toMatchObject({ check_rollups_hourly: 2, check_rollups_daily: 2, notifications: 2, notification_attempts: 2, heartbeat_pings: 2 });
    if (kind === 'embedded') expect(rows['check_results']).toBe(oldAgos.length);
    else expect(report.tables[0].partitionsDropped.length).toBeGreaterThanOrEqual(3);
    expect(report.tables.find((t) => t.table === 'check_rollups_hourly')?.oldestKept?.getTime()).toBe(
      new Date(now.getTime() - 89 * DAY_MS).setUTCMinutes(0, 0, 0),
    );
    expect(await resultAges(db, now)).toEqual(before);
    expect(await db.prisma.checkRollupDaily.count()).toBe(4);
  });

  it('removes what is older than each setting and nothing younger', async () => {
    const report = await runRetention(db, { settings, now, batchSize: 2, pauseMs: 0 });
    expect(report.outcome).toBe('done');
    const left = await resultAges(db, now);
    // Nothing younger than the setting removed, the unevaluated result kept however old.
    expect(left.filter((r) => r.ago <= 30 * DAY_MS).map((r) => r.ago).sort((a, b) => a - b)).toEqual([...youngAgos].sort((a, b) => a - b));
    expect(left.filter((r) => !r.evaluated).map((r) => r.ago)).toEqual([40 * DAY_MS]);
    // Nothing evaluated older than the setting kept: on PostgreSQL to the day (a partition
    // holding the cutoff is kept whole), on the embedded database to the row.
    const keptOld = left.filter((r) => r.evaluated && r.ago > 30 * DAY_MS);
    if (kind === 'embedded') expect(keptOld).toEqual([]);
    else expect(keptOld.every((r) => now.getTime() - r.ago >= dayStart(cutoff))).toBe(true);

    const results = report.tables.find((t) => t.table === 'check_results');
    if (kind === 'embedded') {
      // Bounded batches: 4 rows two at a time, then one statement that finds none.
      expect(results).toMatchObject({ rows: 4, statements: 3, partitionsDropped: [] });
    } else {
      expect(results?.partitionsDropped).toEqual(
        expect.arrayContaining([45, 35, 31].map((d) => partitionName(dayStart(now.getTime() - d * DAY_MS)))),
      );
      expect(results?.partitionsHeld).toEqual([partitionName(dayStart(now.getTime() - 40 * DAY_MS))]);
    }

    const bucketAges = async (table: string) =>
      (await db.prisma.$queryRawUnsafe<{ d: number }[]>(`SELECT round(extract(epoch FROM $1::timestamptz - bucket_start) / 86400)::int AS d FROM ${table} ORDER BY 1`, now.toISOString())).map((r) => r.d);
    expect(await bucketAges('check_rollups_hourly')).toEqual([1, 89]);
    expect(await bucketAges('check_rollups_daily')).toEqual([1, 729]);
    const notifications = await db.prisma.notification.findMany({ include: { attempts: true }, orderBy: { idempotencyKey: 'asc' } });
    expect(notifications.map((n) => [n.idempotencyKey, n.attempts.length])).toEqual([['old-pending', 1], ['young-delivered', 1]]);
    // The 40- and 35-day successes go; the newest of each kind stays, the 29-day one as young.
    const pings = await db.prisma.heartbeatPing.findMany({ where: { checkId }, orderBy: { receivedAt: 'asc' } });
    expect(pings.map((p) => `${p.kind}:${Math.round((now.getTime() - p.receivedAt.getTime()) / DAY_MS)}`)).toEqual(['start:50', 'fail:45', 'success:29']);
    const rows = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(rows).toMatchObject({ check_rollups_hourly: 2, check_rollups_daily: 2, notifications: 2, notification_attempts: 2, heartbeat_pings: 2 });
  });

  it('removes nothing more on a second pass', async () => {
    const before = await resultAges(db, now);
    const report = await runRetention(db, { settings, now, batchSize: 2, pauseMs: 0 });
    expect(report.tables.map((t) => t.rows)).toEqual(report.tables.map(() => 0));
    expect(await resultAges(db, now)).toEqual(before);
  });

  if (kind === 'postgres') {
    it('creates today and three days ahead as partitions of check_results (pg_inherits)', async () => {
      const partitions = await listPartitions(db);
      for (let d = 0; d <= 3; d++) expect(partitions).toContain(partitionName(dayStart(now.getTime() + d * DAY_MS)));
      expect(partitions).toContain('check_results_default');
      // None whose day ended before the cutoff, but the one held for its unevaluated result.
      const old = partitions.filter((p) => p !== 'check_results_default' && p < partitionName(dayStart(cutoff)));
      expect(old).toEqual([partitionName(dayStart(now.getTime() - 40 * DAY_MS))]);
    });

    it('never refuses a result without a partition, and moves it into the partition made later', async () => {
      const { site, check } = await createSiteWithCheck(db.prisma);
      const ahead = new Date(dayStart(now.getTime()) + 6 * DAY_MS + HOUR_MS);
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at) VALUES ($1, $2, gen_random_uuid(), 'eu-1', true, $3::timestamptz)`,
        check.id, site.id, ahead.toISOString(),
      );
      const where = async () =>
        (await db.prisma.$queryRawUnsafe<{ part: string }[]>(`SELECT tableoid::regclass::text AS part FROM check_results WHERE check_id = $1`, check.id))[0].part;
      expect(await where()).toBe('check_results_default');
      const created = await ensurePartitions(db, new Date(now.getTime() + 4 * DAY_MS));
      expect(created).toContain(partitionName(dayStart(ahead.getTime())));
      expect(await where()).toBe(partitionName(dayStart(ahead.getTime())));
      // The replay of a result stored already is still a conflict on the partitioned table.
      const replay = await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at)
         SELECT check_id, site_id, run_id, location, ok, checked_at FROM check_results WHERE check_id = $1
         ON CONFLICT (check_id, run_id, checked_at) DO NOTHING`,
        check.id,
      );
      expect(replay).toBe(0);
    });

    it('lets one of two concurrent passes act: the other finds the advisory lock taken', async () => {
      const { site, check } = await createSiteWithCheck(db.prisma);
      // Enough old rows in the embedded way of things to keep a pass busy: a slow batch each.
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO check_rollups_hourly (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, histogram)
         SELECT $1, 'eu-1', $2::timestamptz - g * interval '1 hour', 1, 0, 0, 0, 0, 0, array_fill(0, ARRAY[112]) FROM generate_series(1, 6) g`,
        check.id, new Date(now.getTime() - 100 * DAY_MS).toISOString(),
      );
      void site;
      const passes = await Promise.all([0, 1].map(() => runRetention(db, { settings, now, batchSize: 1, pauseMs: 300 })));
      expect(passes.map((p) => p.outcome).sort()).toEqual(['done', 'locked']);
      expect(await db.prisma.checkRollupHourly.count({ where: { checkId: check.id } })).toBe(0);

      const holder = new Client({ connectionString: database.url });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
        expect((await runRetention(db, { settings, now })).outcome).toBe('locked');
      } finally {
        await holder.end();
      }
    });
  }

  it('removes the held result once it is evaluated, and leaves the queue naming no result it removed', async () => {
    // Its evaluation takes it off the queue (pending_results); the next pass may remove it (on PostgreSQL, drop its partition).
    expect(await db.prisma.pendingResult.count({ where: { checkId } })).toBe(1);
    await db.prisma.$executeRawUnsafe(`DELETE FROM pending_results WHERE check_id = $1`, checkId);
    await runRetention(db, { settings, now, batchSize: 2, pauseMs: 0 });
    expect((await resultAges(db, now)).filter((r) => r.ago > 30 * DAY_MS)).toEqual([]);
    if (kind === 'postgres') expect((await listPartitions(db)).filter((p) => p !== 'check_results_default' && p < partitionName(dayStart(cutoff)))).toEqual([]);
    const [dangling] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pending_results q WHERE NOT EXISTS (SELECT 1 FROM check_results r WHERE r.id = q.result_id AND r.checked_at = q.checked_at)`,
    );
    expect(dangling.n).toBe(0);
  });
});

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('retention of hourly rollups not folded yet on %s', (kind) => {
  let database: TestDatabase;
  afterAll(() => database?.dispose());

  it('folds them into their daily rollups before trimming them, and keeps them while they cannot be folded', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    const { check } = await createSiteWithCheck(db.prisma);
    const now = new Date();
    const hourAgo = (hours: number) => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - hours * HOUR_MS);
    // Nothing folded for 100 days: two hours of a day 95 days ago are past the hourly setting but in no daily rollup.
    await db.prisma.$executeRawUnsafe(`UPDATE rollup_folds SET folded_until = $1::timestamptz, folding_to = $1::timestamptz`, hourAgo(100 * 24).toISOString());
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO check_rollups_hourly (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, histogram)
       VALUES ($1, 'eu-1', $2::timestamptz, 4, 1, 0, 0, 0, 0, array_fill(0, ARRAY[112])), ($1, 'eu-1', $3::timestamptz, 6, 0, 0, 0, 0, 0, array_fill(0, ARRAY[112]))`,
      check.id,
      new Date(dayStart(now.getTime()) - 95 * DAY_MS + HOUR_MS).toISOString(),
      new Date(dayStart(now.getTime()) - 95 * DAY_MS + 2 * HOUR_MS).toISOString(),
    );
    const hourly = () => db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM check_rollups_hourly`).then(([r]) => r.n);
    // No fold boundary at all (the row gone): nothing counts as folded, so nothing hourly goes.
    await db.prisma.$executeRawUnsafe(`DELETE FROM rollup_folds`);
    await runRetention(db, { settings, now, pauseMs: 0 });
    expect(await hourly()).toBe(2);
    await db.prisma.$executeRawUnsafe(`INSERT INTO rollup_folds (folded_until, folding_to) VALUES ($1::timestamptz, $1::timestamptz)`, hourAgo(100 * 24).toISOString());
    const report = await runRetention(db, { settings, now, pauseMs: 0 });
    expect(report.rollupsFolded).toMatchObject({ to: hourAgo(0) });
    expect(await hourly()).toBe(0);
    const daily = await db.prisma.$queryRawUnsafe<{ count: number; failures: number }[]>(`SELECT count, failures FROM check_rollups_daily WHERE check_id = $1`, check.id);
    expect(daily).toEqual([{ count: 10, failures: 1 }]);
  });
});
