import { randomUUID } from 'node:crypto';
import { Prisma, type VigilPrisma, withTransaction } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import { bucketStart, LATENCY_BUCKETS, latencyBucket, rollupOf, type Granularity, type Rollup } from '@vigil/rollups';
import { createPrng, type Prng } from '@vigil/testing';
import { backfillRollups } from './backfill-rollups';
import { evaluatePending } from './evaluate-pending';
import { LOCATIONS, seedCheck } from './testing/seed';
import { type RollupInput, writeRollups } from './write-rollups';

const START = Date.parse('2026-11-30T21:00:00.000Z');
const logger = createLogger({ service: 'rollups-test', level: 'error' });

interface RollupRow {
  checkId: number;
  location: string;
  start: number;
  rollup: Rollup;
}

type Raw = { check_id: number; location: string; bucket_start: Date; count: number; failures: number; inconclusive: number; degraded: number;
  latency_count: number; latency_sum: bigint | number; latency_min: number | null; latency_max: number | null; histogram: number[] };

const toRow = (r: Raw): RollupRow => ({
  checkId: r.check_id,
  location: r.location,
  start: r.bucket_start.getTime(),
  rollup: {
    count: r.count,
    failures: r.failures,
    inconclusive: r.inconclusive,
    degraded: r.degraded,
    latencyCount: r.latency_count,
    latencySum: Number(r.latency_sum),
    latencyMin: r.latency_min,
    latencyMax: r.latency_max,
    histogram: r.histogram,
  },
});

const order = (rows: RollupRow[]) =>
  rows.sort((a, b) => a.checkId - b.checkId || a.location.localeCompare(b.location) || a.start - b.start);

async function stored(prisma: VigilPrisma, granularity: Granularity): Promise<RollupRow[]> {
  const table = Prisma.raw(granularity === 'hour' ? 'check_rollups_hourly' : 'check_rollups_daily');
  return order((await prisma.$queryRaw<Raw[]>`SELECT * FROM ${table}`).map(toRow));
}

/**
 * The rollups by brute force over every evaluated raw row, in SQL that shares only the bucket
 * function with the evaluator's statement: a dense histogram from a join on every bucket.
 */
async function bruteForce(prisma: VigilPrisma, granularity: Granularity): Promise<RollupRow[]> {
  const unit = granularity;
  const rows = await prisma.$queryRaw<Raw[]>`
    WITH r AS (
      SELECT check_id, location, date_trunc(${unit}, checked_at, 'UTC') AS bucket_start, ok, inconclusive, degraded,
        CASE WHEN ok THEN latency_ms END AS latency
      FROM check_results WHERE NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.result_id = check_results.id)
    ),
    g AS (
      SELECT check_id, location, bucket_start, count(*)::int AS count,
        count(*) FILTER (WHERE NOT ok AND NOT inconclusive)::int AS failures, count(*) FILTER (WHERE inconclusive)::int AS inconclusive,
        count(*) FILTER (WHERE ok AND degraded)::int AS degraded, count(latency)::int AS latency_count,
        coalesce(sum(latency), 0)::bigint AS latency_sum, min(latency) AS latency_min, max(latency) AS latency_max
      FROM r GROUP BY 1, 2, 3
    ),
    h AS (
      SELECT g.check_id, g.location, g.bucket_start, array_agg(
        (SELECT count(*) FROM r WHERE r.check_id = g.check_id AND r.location = g.location AND r.bucket_start = g.bucket_start
          AND r.latency IS NOT NULL AND vigil_latency_bucket(r.latency) = b)::int ORDER BY b) AS histogram
      FROM g CROSS JOIN generate_series(0, ${LATENCY_BUCKETS - 1}) AS b GROUP BY 1, 2, 3
    )
    SELECT g.*, h.histogram FROM g JOIN h USING (check_id, location, bucket_start)`;
  return order(rows.map(toRow));
}

/** The rollups computed by libs/rollups from the evaluated raw rows. */
async function fromLib(prisma: VigilPrisma, granularity: Granularity): Promise<RollupRow[]> {
  const results = await prisma.checkResult.findMany({
    where: { id: { notIn: (await prisma.pendingResult.findMany({ select: { resultId: true } })).map((q) => q.resultId) } },
  });
  const groups = new Map<string, typeof results>();
  for (const r of results) {
    const key = JSON.stringify([r.checkId, r.location, bucketStart(r.checkedAt.getTime(), granularity)]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return order(
    [...groups].map(([key, rows]) => {
      const [checkId, location, start] = JSON.parse(key) as [number, string, number];
      return { checkId, location, start, rollup: rollupOf(rows) };
    }),
  );
}

function randomLatency(rng: Prng): number | null {
  if (rng.chance(0.05)) return null;
  if (rng.chance(0.02)) return rng.int(60_000, 90_000);
  return Math.floor(Math.exp(rng.next() * Math.log(60_001))) - 1;
}

// PostgreSQL too: date_trunc's time zone, width_bucket and plpgsql arrays are the server's own.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('rollups on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  it('bucket latencies in SQL exactly as libs/rollups does, edges included', async () => {
    const rows = await prisma.$queryRaw<{ ms: number; bucket: number }[]>`
      SELECT ms, vigil_latency_bucket(ms) AS bucket FROM generate_series(-3, 70000) AS ms
      UNION ALL SELECT ms, vigil_latency_bucket(ms) FROM unnest(ARRAY[2147483647, -2147483648, 100000, 1000000]) AS ms`;
    expect(rows).toHaveLength(70_008);
    const wrong = rows.filter((r) => r.bucket !== latencyBucket(r.ms));
    expect(wrong).toEqual([]);
    const [{ h, sum }] = await prisma.$queryRaw<{ h: number[]; sum: number[] }[]>`
      SELECT vigil_latency_histogram(ARRAY[0, 0, 5, 111]) AS h, vigil_histogram_count(vigil_latency_histogram(ARRAY[5]), NULL) AS sum`;
    expect(h).toEqual(Array.from({ length: LATENCY_BUCKETS }, (_, b) => (b === 0 ? 2 : b === 5 || b === 111 ? 1 : 0)));
    expect(sum).toEqual(Array.from({ length: LATENCY_BUCKETS }, (_, b) => (b === 5 ? 1 : 0)));
  });

  it('keep the rollups of a random history, evaluated pass by pass, equal to brute force', async () => {
    const rng = createPrng(kind === 'embedded' ? 16 : 61);
    const checks = await Promise.all([seedCheck(prisma), seedCheck(prisma), seedCheck(prisma)]);
    // Results arrive in rounds, some late (before the previous round's), across UTC hour and day edges.
    for (let round = 0; round < 6; round++) {
      const data = Array.from({ length: rng.int(20, 80) }, () => {
        const { site, check } = rng.pick(checks);
        const ok = rng.chance(0.75);
        const inconclusive = !ok && rng.chance(0.3);
        return {
          checkId: check.id,
          siteId: site.id,
          runId: randomUUID(),
          location: rng.pick(LOCATIONS),
          ok,
          inconclusive,
          degraded: ok && rng.chance(0.15),
          latencyMs: randomLatency(rng),
          statusCode: ok ? 200 : null,
          checkedAt: new Date(START + rng.int(0, 6 * 3_600_000) + round * 1_800_000),
        };
      });
      await prisma.checkResult.createMany({ data });
      // A small budget: the round takes several passes, a check's results spread over them.
      const counts = await evaluatePending(database.db, { maxChecks: rng.int(1, 3), readOnly: false, logger });
      expect(counts.failed).toBe(0);
      if (rng.chance(0.5)) await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    }
    await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    expect(await prisma.pendingResult.count()).toBe(0);

    for (const granularity of ['hour', 'day'] as const) {
      const rollups = await stored(prisma, granularity);
      expect(rollups.length).toBeGreaterThan(granularity === 'hour' ? 20 : 3);
      expect(rollups).toEqual(await bruteForce(prisma, granularity));
      expect(rollups).toEqual(await fromLib(prisma, granularity));
    }
    // A pass with nothing pending adds nothing: each result counted once.
    const before = await stored(prisma, 'hour');
    await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    expect(await stored(prisma, 'hour')).toEqual(before);
  });

  it('are written from the values handed in, never re-read from check_results, and merged into the rows there', async () => {
    const { check } = await seedCheck(prisma);
    // Values no stored result has: the rollups can only have come from them.
    const at = (ms: number) => new Date(Date.parse('2026-10-31T22:59:59.000Z') + ms);
    const first: RollupInput[] = [
      { checkId: check.id, location: 'eu-1', checkedAt: at(0), ok: true, inconclusive: false, degraded: false, latencyMs: 1 },
      { checkId: check.id, location: 'eu-1', checkedAt: at(999), ok: true, inconclusive: false, degraded: true, latencyMs: 60_001 },
      { checkId: check.id, location: 'eu-1', checkedAt: at(1_000), ok: false, inconclusive: false, degraded: false, latencyMs: 900 },
      { checkId: check.id, location: 'us-1', checkedAt: at(3_600_001), ok: true, inconclusive: false, degraded: false, latencyMs: null },
    ];
    const second: RollupInput[] = [
      { checkId: check.id, location: 'eu-1', checkedAt: at(500), ok: false, inconclusive: true, degraded: false, latencyMs: null },
      { checkId: check.id, location: 'eu-1', checkedAt: at(2_000), ok: true, inconclusive: false, degraded: false, latencyMs: 37 },
    ];
    for (const batch of [first, second]) await withTransaction(database.db, (tx) => writeRollups(tx, batch));
    expect(await prisma.checkResult.count({ where: { checkId: check.id } })).toBe(0);
    for (const granularity of ['hour', 'day'] as const) {
      const groups = new Map<string, RollupInput[]>();
      for (const r of [...first, ...second]) {
        const key = JSON.stringify([r.location, bucketStart(r.checkedAt.getTime(), granularity)]);
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      const expected = order(
        [...groups].map(([key, rows]) => {
          const [location, start] = JSON.parse(key) as [string, number];
          return { checkId: check.id, location, start, rollup: rollupOf(rows) };
        }),
      );
      // Hours 22:00 and 23:00 UTC of October 31 (eu-1) and 00:00 of November 1 (us-1); days October 31 and November 1.
      expect(expected).toHaveLength(granularity === 'hour' ? 3 : 2);
      expect((await stored(prisma, granularity)).filter((r) => r.checkId === check.id)).toEqual(expected);
    }
    // Rollups without raw results: the backfill below would rightly find nothing to rebuild them from.
    await prisma.$executeRaw`DELETE FROM check_rollups_hourly WHERE check_id = ${check.id}`;
    await prisma.$executeRaw`DELETE FROM check_rollups_daily WHERE check_id = ${check.id}`;
  });

  it('are rebuilt by the backfill from evaluated results only, the same however often it runs', async () => {
    const hourly = await stored(prisma, 'hour');
    const daily = await stored(prisma, 'day');
    expect(hourly.length).toBeGreaterThan(0);
    await prisma.$executeRaw`TRUNCATE check_rollups_hourly, check_rollups_daily`;
    // A pending result: not rolled up by the backfill, but by the pass that evaluates it.
    const { site, check } = await seedCheck(prisma);
    await prisma.checkResult.create({
      data: { checkId: check.id, siteId: site.id, runId: randomUUID(), location: 'eu-1', ok: true, latencyMs: 42, checkedAt: new Date(START) },
    });
    const batches: number[] = [];
    const first = await backfillRollups(database.db, { checksPerBatch: 2, onBatch: ({ checks }) => batches.push(checks) });
    expect(first).toEqual({ checks: expect.any(Number), hourly: hourly.length, daily: daily.length });
    expect(batches.length).toBe(Math.ceil(first.checks / 2));
    expect(await stored(prisma, 'hour')).toEqual(hourly);
    expect(await stored(prisma, 'day')).toEqual(daily);
    await backfillRollups(database.db);
    expect(await stored(prisma, 'hour')).toEqual(hourly);
    expect(await stored(prisma, 'day')).toEqual(daily);
    await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    expect(await stored(prisma, 'hour')).toEqual(await bruteForce(prisma, 'hour'));
    expect(await stored(prisma, 'day')).toEqual(await bruteForce(prisma, 'day'));
    expect(await stored(prisma, 'hour')).toHaveLength(hourly.length + 1);
    await expect(backfillRollups(database.db, { checksPerBatch: 0 })).rejects.toThrow(RangeError);
  });

  it('roll up nothing in read-only mode: the results stay pending, counted when evaluated', async () => {
    const { site, check } = await seedCheck(prisma);
    await prisma.checkResult.create({
      data: { checkId: check.id, siteId: site.id, runId: randomUUID(), location: 'eu-1', ok: true, latencyMs: 120, checkedAt: new Date(START) },
    });
    const rowsOf = () => prisma.$queryRaw<{ count: number }[]>`SELECT count FROM check_rollups_hourly WHERE check_id = ${check.id}`;
    await evaluatePending(database.db, { maxChecks: 100, readOnly: true, logger });
    expect(await rowsOf()).toEqual([]);
    await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    expect(await rowsOf()).toEqual([{ count: 1 }]);
  });
});
