import { randomUUID } from 'node:crypto';
import { foldRollups, Prisma, type VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import { DAY_MS, HOUR_MS, LATENCY_BUCKETS, latencyBucket, type Granularity } from '@vigil/rollups';
import { createPrng, type Prng } from '@vigil/testing';
import { evaluatePending } from './evaluate-pending';
import { LOCATIONS, seedCheck } from './testing/seed';

/*
 * What a long window reads (the rollup rows of its hours or days, summed in SQL) equals a
 * brute-force count over the raw rows of that window in plain TypeScript, for random windows,
 * per location and every location merged, after random results went through the evaluator. The
 * daily figures are read as every reader reads them (check_rollups_days): the days folded from
 * the hourly rollups by foldRollups, some of it interrupted mid-way, some results evaluated after
 * their hour was folded, and the hours not folded yet.
 */

const START = Date.parse('2026-11-28T19:00:00.000Z');
const SPAN_MS = 3 * DAY_MS;
const logger = createLogger({ service: 'rollup-windows-test', level: 'error' });

interface WindowFigures {
  count: number;
  failures: number;
  inconclusive: number;
  degraded: number;
  latencyCount: number;
  latencySum: number;
  latencyMin: number | null;
  latencyMax: number | null;
  histogram: number[];
}

interface Stored {
  checkId: number;
  location: string;
  checkedAt: Date;
  ok: boolean;
  inconclusive: boolean;
  degraded: boolean;
  latencyMs: number | null;
}

/** A window read from a rollup table, summed by the database: counts, extremes and the histogram bucket by bucket. */
async function fromRollups(
  prisma: VigilPrisma,
  granularity: Granularity,
  window: { checkId: number; location: string | null; from: number; to: number },
): Promise<WindowFigures> {
  const table = Prisma.raw(granularity === 'hour' ? 'check_rollups_hourly' : 'check_rollups_days');
  const where = Prisma.sql`check_id = ${window.checkId} AND bucket_start >= ${new Date(window.from)} AND bucket_start < ${new Date(window.to)}
    ${window.location === null ? Prisma.empty : Prisma.sql`AND location = ${window.location}`}`;
  const [row] = await prisma.$queryRaw<
    Array<Omit<WindowFigures, 'latencySum' | 'histogram'> & { latencySum: bigint | number; histogram: number[] | null }>
  >`
    SELECT coalesce(sum(count), 0)::int AS "count", coalesce(sum(failures), 0)::int AS failures,
      coalesce(sum(inconclusive), 0)::int AS inconclusive, coalesce(sum(degraded), 0)::int AS degraded,
      coalesce(sum(latency_count), 0)::int AS "latencyCount", coalesce(sum(latency_sum), 0)::bigint AS "latencySum",
      min(latency_min) AS "latencyMin", max(latency_max) AS "latencyMax",
      (SELECT array_agg(n ORDER BY b) FROM (
        SELECT h.b, sum(h.n)::int AS n FROM ${table} AS t, unnest(t.histogram) WITH ORDINALITY AS h(n, b) WHERE ${where} GROUP BY h.b
      ) AS s) AS histogram
    FROM ${table} WHERE ${where}`;
  return { ...row, latencySum: Number(row.latencySum), histogram: row.histogram ?? new Array<number>(LATENCY_BUCKETS).fill(0) };
}

/** The same window by brute force over the raw rows, sharing nothing with the SQL. */
function bruteForce(results: readonly Stored[], window: { checkId: number; location: string | null; from: number; to: number }): WindowFigures {
  const rows = results.filter(
    (r) =>
      r.checkId === window.checkId &&
      (window.location === null || r.location === window.location) &&
      r.checkedAt.getTime() >= window.from &&
      r.checkedAt.getTime() < window.to,
  );
  const latencies = rows.filter((r) => r.ok && r.latencyMs !== null).map((r) => r.latencyMs as number);
  const histogram = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const ms of latencies) histogram[latencyBucket(ms)] += 1;
  return {
    count: rows.length,
    failures: rows.filter((r) => !r.ok && !r.inconclusive).length,
    inconclusive: rows.filter((r) => r.inconclusive).length,
    degraded: rows.filter((r) => r.ok && r.degraded).length,
    latencyCount: latencies.length,
    latencySum: latencies.reduce((sum, ms) => sum + ms, 0),
    latencyMin: latencies.length === 0 ? null : Math.min(...latencies),
    latencyMax: latencies.length === 0 ? null : Math.max(...latencies),
    histogram,
  };
}

function randomLatency(rng: Prng): number | null {
  if (rng.chance(0.05)) return null;
  if (rng.chance(0.02)) return rng.int(60_000, 90_000);
  return Math.floor(Math.exp(rng.next() * Math.log(60_001))) - 1;
}

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('rollups over a window on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
    // Nothing folded before the results' span.
    await prisma.$executeRaw`UPDATE rollup_folds SET folded_until = ${new Date(START - DAY_MS)}, folding_to = ${new Date(START - DAY_MS)}, folding_cursor = 0`;
  });
  afterAll(() => database.dispose());

  it('sum to what a brute-force count of the raw rows of the window says, hourly and daily', async () => {
    const rng = createPrng(kind === 'embedded' ? 1616 : 6161);
    const checks = await Promise.all([seedCheck(prisma), seedCheck(prisma)]);
    // Rounds of results over three days and four UTC midnights' worth of edges, some arriving late.
    for (let round = 0; round < 5; round++) {
      const data = Array.from({ length: rng.int(60, 140) }, () => {
        const { site, check } = rng.pick(checks);
        const ok = rng.chance(0.75);
        const inconclusive = !ok && rng.chance(0.3);
        // Some results land exactly on an hour or a day edge.
        const at = rng.chance(0.1) ? START + rng.int(0, 72) * HOUR_MS : START + rng.int(0, SPAN_MS - 1);
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
          checkedAt: new Date(at),
        };
      });
      await prisma.checkResult.createMany({ data });
      const counts = await evaluatePending(database.db, { maxChecks: rng.int(1, 2), readOnly: false, logger });
      expect(counts.failed).toBe(0);
      // The hours up to some instant folded into the daily rollups, one check a batch, at times
      // interrupted after the first check (the next fold resumes it): later rounds' results
      // before that instant are late ones, added to the daily rollups by the evaluation itself.
      await foldRollups(database.db, { now: new Date(START + (round + 1) * 14 * HOUR_MS + rng.int(0, HOUR_MS)), checksPerBatch: 1, maxBatches: rng.int(1, 3) });
    }
    await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    const results: Stored[] = await prisma.checkResult.findMany({
      where: { id: { notIn: (await prisma.pendingResult.findMany({ select: { resultId: true } })).map((q) => q.resultId) }, checkId: { in: checks.map((c) => c.check.id) } },
      select: { checkId: true, location: true, checkedAt: true, ok: true, inconclusive: true, degraded: true, latencyMs: true },
    });
    expect(results.length).toBeGreaterThan(300);

    const ids = checks.map((c) => c.check.id);
    const dailyCount = async () =>
      Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT coalesce(sum(count), 0)::bigint AS n FROM check_rollups_daily WHERE check_id = ANY(${ids}::int[])`)[0].n);
    // The last hours are not folded yet: the daily table alone misses them, the view does not.
    expect(await dailyCount()).toBeLessThan(results.length);
    // Mid-fold (if the last one was interrupted), then with every hour up to the end folded.
    let compared = 0;
    for (const [pass, granularity] of (['hour', 'day', 'day'] as const).entries()) {
      if (pass === 2) {
        expect(await foldRollups(database.db, { now: new Date(START + SPAN_MS + 2 * HOUR_MS) })).not.toBeNull();
        expect(await dailyCount()).toBe(results.length);
      }
      const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
      const first = Math.floor(START / size) * size;
      const buckets = Math.ceil((START + SPAN_MS + HOUR_MS - first) / size);
      for (let i = 0; i < 25; i++) {
        // Random whole-bucket windows, from one bucket to all of them, some beyond the data.
        const a = rng.int(-1, buckets);
        const b = rng.int(a + 1, buckets + 1);
        const window = { checkId: rng.pick(checks).check.id, location: rng.chance(0.3) ? null : rng.pick(LOCATIONS), from: first + a * size, to: first + b * size };
        const expected = bruteForce(results, window);
        compared += expected.count;
        expect({ granularity, window, figures: await fromRollups(prisma, granularity, window) }).toEqual({ granularity, window, figures: expected });
      }
      // The whole span, every location: every result once.
      for (const { check } of checks) {
        const all = { checkId: check.id, location: null, from: first - size, to: first + (buckets + 1) * size };
        const figures = await fromRollups(prisma, granularity, all);
        expect(figures).toEqual(bruteForce(results, all));
        expect(figures.count).toBe(results.filter((r) => r.checkId === check.id).length);
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
