import { randomUUID } from 'node:crypto';
import { testDatabaseKinds } from '@vigil/db/testing';
import { PERCENTILE_RELATIVE_ERROR } from '@vigil/rollups';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

// PostgreSQL too: the long-window reads are what the check page and status pages run there.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the check rollups API on %s', (kind) => {
  let harness: ControllerHarness;
  let check: { id: string };
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    await harness.addRunner('eu-1');
    await harness.addRunner('us-1');
    const site = await request(harness.app).post('/api/v1/sites').set('Authorization', harness.admin).send({ name: 'Rolled' });
    const created = await request(harness.app)
      .post('/api/v1/checks')
      .set('Authorization', harness.admin)
      .send({ site_id: site.body.id, type: 'http', target: 'https://example.com', locations: ['eu-1', 'us-1'] });
    check = created.body;
    const { id } = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: check.id } });
    // Rollups as the evaluator writes them: eu-1 over two hours, us-1 over one.
    const rollup = (location: string, start: string, counts: [number, number, number, number], latencies: number[]) =>
      harness.db.prisma.$executeRaw`
        INSERT INTO check_rollups_hourly (check_id, location, bucket_start, count, failures, inconclusive, degraded,
          latency_count, latency_sum, latency_min, latency_max, histogram)
        SELECT ${id}, ${location}, ${new Date(start)}, ${counts[0]}, ${counts[1]}, ${counts[2]}, ${counts[3]},
          cardinality(l), (SELECT coalesce(sum(x), 0) FROM unnest(l) x), (SELECT min(x) FROM unnest(l) x), (SELECT max(x) FROM unnest(l) x),
          vigil_latency_histogram((SELECT array_agg(vigil_latency_bucket(x)) FROM unnest(l) x))
        FROM (SELECT ${latencies}::int[] AS l) AS v`;
    await rollup('eu-1', '2026-11-23T10:00:00Z', [5, 1, 1, 1], [100, 200, 300]);
    await rollup('eu-1', '2026-11-23T11:00:00Z', [2, 0, 0, 0], [1000, 2000]);
    await rollup('us-1', '2026-11-23T10:00:00Z', [2, 0, 2, 0], []);
    await rollup('us-1', '2026-11-22T10:00:00Z', [9, 9, 0, 0], []);
  });
  afterAll(() => harness.dispose());

  const get = (query: string, authorization = harness.admin) =>
    request(harness.app).get(`/api/v1/checks/${check.id}/rollups${query}`).set('Authorization', authorization);
  const near = (exact: number) => ({ asymmetricMatch: (x: number) => Math.abs(x - exact) <= exact * PERCENTILE_RELATIVE_ERROR, toString: () => `≈${exact}` });

  it('answers counts, uptime and latency percentiles per location and hour, with the window merged', async () => {
    const response = await get('?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z', await harness.keyWith(['read']));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ granularity: 'hour', from: '2026-11-23T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' });
    const [eu, us] = response.body.data;
    expect(eu.location).toBe('eu-1');
    expect(eu.buckets).toEqual([
      {
        bucket_start: '2026-11-23T10:00:00.000Z',
        count: 5,
        failures: 1,
        inconclusive: 1,
        degraded: 1,
        uptime: 0.75,
        latency_ms: { count: 3, mean: 200, min: 100, max: 300, p50: near(200), p95: near(300), p99: near(300) },
      },
      expect.objectContaining({ bucket_start: '2026-11-23T11:00:00.000Z', count: 2, uptime: 1 }),
    ]);
    expect(eu.total).toEqual({
      count: 7,
      failures: 1,
      inconclusive: 1,
      degraded: 1,
      uptime: 5 / 6,
      latency_ms: { count: 5, mean: 720, min: 100, max: 2000, p50: near(300), p95: near(2000), p99: near(2000) },
    });
    // The check as a whole: every location merged per hour, and over the window.
    expect(response.body.combined.buckets).toEqual([
      expect.objectContaining({
        bucket_start: '2026-11-23T10:00:00.000Z',
        count: 7,
        failures: 1,
        inconclusive: 3,
        degraded: 1,
        uptime: 0.75,
        latency_ms: expect.objectContaining({ count: 3, mean: 200, min: 100, max: 300 }),
      }),
      expect.objectContaining({ bucket_start: '2026-11-23T11:00:00.000Z', count: 2, uptime: 1 }),
    ]);
    expect(response.body.combined.total).toEqual(expect.objectContaining({ count: 9, failures: 1, inconclusive: 3, uptime: 5 / 6 }));
    // Every result inconclusive: unknown, neither up nor down; the day before is outside the window.
    expect(us).toEqual({
      location: 'us-1',
      total: expect.objectContaining({ count: 2, uptime: null, latency_ms: { count: 0, mean: null, min: null, max: null, p50: null, p95: null, p99: null } }),
      buckets: [expect.objectContaining({ bucket_start: '2026-11-23T10:00:00.000Z', inconclusive: 2 })],
    });
  });

  it('filters by location and reads buckets starting in [from, to)', async () => {
    const response = await get('?from=2026-11-23T11:00:00Z&to=2026-11-23T12:00:00Z&location=eu-1');
    expect(response.body.data).toEqual([expect.objectContaining({ location: 'eu-1', buckets: [expect.objectContaining({ count: 2 })] })]);
    expect((await get('?from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z&location=nowhere')).body.data).toEqual([]);
    const nowhere = await get('?from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z&location=nowhere');
    expect(nowhere.body.combined).toEqual({ total: expect.objectContaining({ count: 0, uptime: null }), buckets: [] });
    // A location filter merges only that location.
    const eu = await get('?from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z&location=eu-1');
    expect(eu.body.combined.buckets).toEqual([expect.objectContaining({ count: 5, inconclusive: 1 })]);
  });

  it('reads the daily table by day, by default the 30 days before now', async () => {
    const { id } = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: check.id } });
    await harness.db.prisma.$executeRaw`
      INSERT INTO check_rollups_daily (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, histogram)
      VALUES (${id}, 'eu-1', date_trunc('day', now() - interval '2 days', 'UTC'), 4, 1, 0, 0, 0, 0, vigil_latency_histogram(NULL))`;
    const response = await get('?granularity=day');
    expect(response.status).toBe(200);
    expect(Date.parse(response.body.to) - Date.parse(response.body.from)).toBe(30 * 86_400_000);
    expect(response.body.data).toEqual([expect.objectContaining({ location: 'eu-1', total: expect.objectContaining({ count: 4, uptime: 0.75 }) })]);
  });

  it('refuses an empty or too long window, an unknown granularity, and answers 404 for an unknown check', async () => {
    const empty = await get('?from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('query parameter from: must be before to');
    const long = await get('?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe('query parameter from: a window by hour covers at most 31 days');
    expect((await get('?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=day')).status).toBe(200);
    expect((await get('?granularity=minute')).status).toBe(400);
    const missing = await request(harness.app).get('/api/v1/checks/00000000-0000-4000-8000-000000000000/rollups').set('Authorization', harness.admin);
    expect(missing.status).toBe(404);
    expect((await request(harness.app).get(`/api/v1/checks/${check.id}/rollups`)).status).toBe(401);
  });

  it('keeps raw results to windows of a day at most, sending longer ones to the rollups', async () => {
    const { id, endpoint } = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: check.id }, include: { endpoint: true } });
    const times = ['2026-11-22T10:02:00Z', '2026-11-22T10:03:00Z', '2026-11-23T10:02:00Z', '2026-11-23T10:03:00Z'];
    await harness.db.prisma.checkResult.createMany({
      data: times.map((at) => ({ checkId: id, siteId: endpoint.siteId, runId: randomUUID(), location: 'eu-1', ok: true, latencyMs: 5, checkedAt: new Date(at) })),
    });
    const results = (query: string) => request(harness.app).get(`/api/v1/checks/${check.id}/results?${query}`).set('Authorization', harness.admin);
    const day = await results('since=2026-11-22T10:03:00Z&until=2026-11-23T10:03:00Z');
    expect(day.status).toBe(200);
    expect(day.body.data.map((r: { checked_at: string }) => r.checked_at)).toEqual(['2026-11-23T10:02:00.000Z', '2026-11-22T10:03:00.000Z']);
    for (const query of ['since=2026-11-22T10:02:59Z&until=2026-11-23T10:03:00Z', `since=${new Date(Date.now() - 25 * 3_600_000).toISOString()}`]) {
      const long = await results(query);
      expect(long.status).toBe(400);
      expect(long.body.error).toMatchObject({
        code: 'invalid_query',
        message: 'query parameter since: raw results cover at most 24 hours before until (or now): read longer windows from /api/v1/checks/:id/rollups',
      });
    }
    expect((await results(`since=${new Date(Date.now() - 23 * 3_600_000).toISOString()}`)).status).toBe(200);
    // Without a window, a page of the last results.
    expect((await results('limit=3')).body.data).toHaveLength(3);
  });
});
