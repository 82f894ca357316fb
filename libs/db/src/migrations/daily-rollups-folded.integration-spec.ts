import type { Database } from '../client';
import { foldRollups } from '../retention/fold';
import { testDatabaseKinds } from '../testing';
import { migrate } from './apply';
import { type HeldBackMigration, holdBackMigration } from './held-back';

jest.setTimeout(180_000);

const MIGRATION = '20261206110000_daily_rollups_folded';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the migration that folds daily rollups from the hourly ones on %s', (kind) => {
  let held: HeldBackMigration;
  let db: Database;
  beforeAll(async () => {
    held = await holdBackMigration(kind, MIGRATION);
    db = held.db;
  });
  afterAll(() => held.close());

  it('keeps each day read whole, today up to the current hour in its daily row, and folds the rest later', async () => {
    await migrate(db, { prismaDir: held.prismaDir });
    const { checkId } = await held.insertCheck('f');
    // Hours as the evaluation wrote them before: a day ago, the hour before the current one and the
    // current one, each with `count` results of one latency bucket; and each day's daily row, the
    // sum of its hours (both tables written per result).
    const current = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const hours = [
      { start: current - 26 * HOUR_MS, count: 3, bucket: 10 },
      { start: current - HOUR_MS, count: 5, bucket: 20 },
      { start: current, count: 7, bucket: 20 },
    ];
    const histogram = (bucket: number, n: number) => Array.from({ length: 112 }, (_, i) => (i === bucket ? n : 0));
    const insert = async (table: string, start: number, count: number, h: number[]) =>
      db.prisma.$executeRawUnsafe(
        `INSERT INTO ${table} (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, latency_min, latency_max, histogram)
         VALUES ($1, 'eu-1', $2::timestamptz, $3, 0, 0, 0, $3, $3 * 100, 100, 100, $4::int[])`,
        checkId,
        new Date(start).toISOString(),
        count,
        h,
      );
    const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;
    const days = new Map<number, { count: number; histogram: number[] }>();
    for (const hour of hours) {
      await insert('check_rollups_hourly', hour.start, hour.count, histogram(hour.bucket, hour.count));
      const day = days.get(dayOf(hour.start)) ?? { count: 0, histogram: histogram(0, 0) };
      days.set(dayOf(hour.start), { count: day.count + hour.count, histogram: day.histogram.map((n, i) => n + histogram(hour.bucket, hour.count)[i]) });
    }
    for (const [day, figures] of days) await insert('check_rollups_daily', day, figures.count, figures.histogram);

    expect((await migrate(db)).applied).toEqual([MIGRATION]);
    const [fold] = await db.prisma.$queryRawUnsafe<{ folded_until: Date; folding_to: Date }[]>(`SELECT folded_until, folding_to FROM rollup_folds`);
    const boundary = fold.folded_until.getTime();
    expect(fold.folding_to.getTime()).toBe(boundary);
    expect(boundary % HOUR_MS).toBe(0);
    expect(boundary).toBeGreaterThanOrEqual(current);

    type Row = { bucket_start: Date; count: number; histogram: string };
    const read = (from: string) =>
      db.prisma.$queryRawUnsafe<Row[]>(`SELECT bucket_start, count, histogram::text AS histogram FROM ${from} WHERE check_id = $1 ORDER BY bucket_start`, checkId);
    const asText = (h: number[]) => `{${h.join(',')}}`;
    // Each day stored holds the hours before the boundary; the current hour is hourly only.
    const stored = [...days.keys()].flatMap((day) => {
      const before = hours.filter((h) => dayOf(h.start) === day && h.start < boundary);
      if (before.length === 0) return [];
      const h = before.reduce((sum, x) => sum.map((n, i) => n + histogram(x.bucket, x.count)[i]), histogram(0, 0));
      return [{ bucket_start: new Date(day), count: before.reduce((n, x) => n + x.count, 0), histogram: asText(h) }];
    });
    expect(await read('check_rollups_daily')).toEqual(stored);
    // Read through the view, every day is what it was.
    const whole = [...days].map(([day, f]) => ({ bucket_start: new Date(day), count: f.count, histogram: asText(f.histogram) }));
    expect(await read('check_rollups_days')).toEqual(whole);
    // Folding the current hour, once it is over, moves it into its day's row: the view reads the same.
    const folded = await foldRollups(db, { now: new Date(boundary + HOUR_MS) });
    expect(folded).toMatchObject({ from: new Date(boundary), to: new Date(boundary + HOUR_MS) });
    expect(await read('check_rollups_days')).toEqual(whole);
    expect((await read('check_rollups_daily')).map((r) => r.count)).toEqual(whole.map((r) => r.count));
    expect(await foldRollups(db, { now: new Date(boundary + HOUR_MS + 60_000) })).toBeNull();
  });
});
