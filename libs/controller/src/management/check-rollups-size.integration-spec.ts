import { testDatabaseUrl } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import { checkRollups } from './check-rollups';

const DAY = 86_400_000;
const RUNS = Number(process.env.ROLLUP_READ_RUNS ?? 10);

/** Median and worst of `runs` timed calls, in ms. */
async function timed(runs: number, call: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await call();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { median: Math.round(ms[Math.floor(runs / 2)] * 10) / 10, max: Math.round(ms[runs - 1] * 10) / 10 };
}

/*
 * The check page's and status page's long-window reads at a realistic size, on PostgreSQL:
 * 10 checks × 3 locations × 90 days of hourly and daily rollups. Each read is a range of the
 * rollups’ primary key (never check_results); the figures are printed (on an idle machine, a few ms).
 */
(testDatabaseUrl() ? describe : describe.skip)('long-window reads at 90 days of rollups on postgres', () => {
  let harness: ControllerHarness;
  let checkUuid: string;
  let checkId: number;
  const now = Date.now();
  beforeAll(async () => {
    harness = await createControllerHarness('postgres');
    const prisma = harness.db.prisma;
    const site = await prisma.site.create({ data: { name: 'Big', slug: 'big-history', publicStatusPage: true, status: 'up' } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://big.example' } });
    const checks = [];
    for (let i = 0; i < 10; i++) checks.push(await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', name: `Check ${i}` } }));
    checkUuid = checks[0].uuid;
    checkId = checks[0].id;
    // Hourly rows with a plausible histogram: 60 results an hour, latencies around 120 ms.
    for (const [table, unit, count] of [
      ['check_rollups_hourly', 'hour', 90 * 24],
      ['check_rollups_daily', 'day', 90],
    ] as const) {
      await prisma.$executeRawUnsafe(`
        INSERT INTO ${table} (check_id, location, bucket_start, count, failures, inconclusive, degraded,
          latency_count, latency_sum, latency_min, latency_max, histogram)
        SELECT c, l, date_trunc('${unit}', $1::timestamptz, 'UTC') - n * interval '1 ${unit}', 60, (n % 7 = 0)::int, 0, 1, 59, 59 * 120, 80, 400,
          vigil_latency_histogram(ARRAY(SELECT vigil_latency_bucket(80 + (k * 37) % 320) FROM generate_series(1, 59) AS k))
        FROM unnest($2::int[]) AS c, unnest(ARRAY['eu-1', 'us-1', 'ap-1']) AS l, generate_series(0, ${count - 1}) AS n`,
        new Date(now),
        checks.map((c) => c.id),
      );
    }
    await prisma.$executeRawUnsafe('ANALYZE check_rollups_hourly');
    await prisma.$executeRawUnsafe('ANALYZE check_rollups_daily');
  });
  afterAll(() => harness.dispose());

  it('reads 24 h, 7 d, 30 d and 90 d of a check, and a status page, from index ranges of the rollups, and prints the time each takes', async () => {
    const windows = {
      '24h': `granularity=hour&from=${new Date(now - DAY).toISOString()}`,
      '7d': `granularity=hour&from=${new Date(now - 7 * DAY).toISOString()}`,
      '30d': `granularity=day&from=${new Date(now - 30 * DAY).toISOString()}`,
      '90d': `granularity=day&from=${new Date(now - 90 * DAY).toISOString()}`,
    };
    const figures: Record<string, { median: number; max: number }> = {};
    for (const [name, query] of Object.entries(windows)) {
      const get = () => request(harness.app).get(`/api/v1/checks/${checkUuid}/rollups?${query}`).set('Authorization', harness.admin);
      const answer = await get();
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(3);
      figures[`GET rollups ${name}`] = await timed(RUNS, get);
    }
    const baseline = () => request(harness.app).get(`/api/v1/checks/${checkUuid}`).set('Authorization', harness.admin);
    figures['GET check (baseline: auth and one row)'] = await timed(RUNS, baseline);
    for (const [name, granularity, days] of [['7d', 'hour', 7], ['90d', 'day', 90]] as const) {
      figures[`checkRollups() ${name}`] = await timed(RUNS, () =>
        checkRollups(harness.db.prisma, checkId, { granularity, from: new Date(now - days * DAY).toISOString(), to: new Date(now).toISOString() }, now),
      );
    }
    const status = () => request(harness.app).get('/api/v1/public/status/big-history');
    expect((await status()).body.checks).toHaveLength(10);
    figures['GET public status (10 checks × 90 d)'] = await timed(RUNS, status);

    // The queries alone, as the database runs them: index ranges of the rollups, never check_results.
    const sql = {
      '7d hourly': `SELECT location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, latency_min, latency_max, histogram
        FROM check_rollups_hourly WHERE check_id = ${checkId} AND bucket_start >= now() - interval '7 days' AND bucket_start < now() ORDER BY location COLLATE "C", bucket_start`,
      '90d daily': `SELECT location, bucket_start, count, histogram FROM check_rollups_daily
        WHERE check_id = ${checkId} AND bucket_start >= now() - interval '90 days' AND bucket_start < now() ORDER BY location COLLATE "C", bucket_start`,
    };
    for (const [name, query] of Object.entries(sql)) {
      const plan = await harness.db.prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`);
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Scan (using|on) check_rollups_(hourly|daily)_pkey/);
      expect(text).not.toContain('check_results');
      const execution = Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1]);
      figures[`SQL ${name} (execution)`] = { median: execution, max: execution };
    }
    console.log(
      `long-window reads, 10 checks × 3 locations × 90 days of rollups (${RUNS} runs):\n` +
        Object.entries(figures)
          .map(([name, f]) => `  ${name}: median ${f.median} ms, max ${f.max} ms`)
          .join('\n'),
    );
    // Generous bounds on a shared machine: the figures above are what to read.
    for (const f of Object.values(figures)) expect(f.median).toBeLessThan(1000);
  }, 300_000);
});
