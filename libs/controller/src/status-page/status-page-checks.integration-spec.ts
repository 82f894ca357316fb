import { randomUUID } from 'node:crypto';
import { testDatabaseKinds } from '@vigil/db/testing';
import { PERCENTILE_RELATIVE_ERROR } from '@vigil/rollups';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import type { PublicStatus } from './build-status';

const DAY = 86_400_000;

// PostgreSQL too: the status page's long window is a read of check_rollups_daily there.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))("a status page's checks on %s", (kind) => {
  let harness: ControllerHarness;
  const today = Math.floor(Date.now() / DAY) * DAY;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  const near = (exact: number) => ({ asymmetricMatch: (x: number) => Math.abs(x - exact) <= exact * PERCENTILE_RELATIVE_ERROR, toString: () => `≈${exact}` });

  it('shows measured uptime and response time per check from the daily rollups, never raw results', async () => {
    const prisma = harness.db.prisma;
    const site = await prisma.site.create({ data: { name: 'Rolled shop', slug: 'rolled-shop', publicStatusPage: true, status: 'up' } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://internal.example/secret-path' } });
    const homepage = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', name: 'Homepage' } });
    const port = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'tcp' } });
    const disabled = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', name: 'Off', enabled: false } });
    const daily = (checkId: number, location: string, daysAgo: number, counts: [number, number, number], latencies: number[]) =>
      prisma.$executeRaw`
        INSERT INTO check_rollups_daily (check_id, location, bucket_start, count, failures, inconclusive, degraded,
          latency_count, latency_sum, latency_min, latency_max, histogram)
        SELECT ${checkId}, ${location}, ${new Date(today - daysAgo * DAY)}, ${counts[0]}, ${counts[1]}, ${counts[2]}, 0,
          cardinality(l), (SELECT coalesce(sum(x), 0) FROM unnest(l) x), (SELECT min(x) FROM unnest(l) x), (SELECT max(x) FROM unnest(l) x),
          vigil_latency_histogram((SELECT array_agg(vigil_latency_bucket(x)) FROM unnest(l) x))
        FROM (SELECT ${latencies}::int[] AS l) AS v`;
    // Homepage: today at two locations, 40 days ago (in 90 d, not 30 d), 100 days ago (neither).
    await daily(homepage.id, 'eu-1', 0, [4, 1, 0], [100, 100, 100]);
    await daily(homepage.id, 'us-1', 0, [3, 0, 1], [300, 300]);
    await daily(homepage.id, 'eu-1', 40, [10, 10, 0], []);
    await daily(homepage.id, 'eu-1', 100, [50, 50, 0], []);
    await daily(disabled.id, 'eu-1', 0, [1, 1, 0], []);
    // Raw results (a whole day failed) are not what the page reads: only the rollups count.
    await prisma.checkResult.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({
        checkId: port.id,
        siteId: site.id,
        runId: randomUUID(),
        location: 'eu-1',
        ok: false,
        checkedAt: new Date(today - 2 * DAY + i * 1000),
      })),
    });

    const response = await request(harness.app).get('/api/v1/public/status/rolled-shop');
    expect(response.status).toBe(200);
    const body = response.body as PublicStatus;
    expect(body.checks).toEqual([
      {
        name: 'Homepage',
        type: 'http',
        // 30 d: today's 7 results, 1 inconclusive, 1 failed: 5 / 6. 90 d: and 10 failures 40 days ago.
        uptime: { '30d': 5 / 6, '90d': 5 / 16 },
        response_ms: { '30d': { p50: near(100), p95: near(300) }, '90d': { p50: near(100), p95: near(300) } },
        days: [
          { date: new Date(today - 40 * DAY).toISOString().slice(0, 10), results: 10, uptime: 0, p50: null, p95: null },
          { date: new Date(today).toISOString().slice(0, 10), results: 7, uptime: 5 / 6, p50: near(100), p95: near(300) },
        ],
      },
      {
        name: null,
        type: 'tcp',
        uptime: { '30d': null, '90d': null },
        response_ms: { '30d': { p50: null, p95: null }, '90d': { p50: null, p95: null } },
        days: [],
      },
    ]);
    expect(JSON.stringify(body)).not.toContain('secret-path');

    const page = await request(harness.app).get('/status/rolled-shop');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2>Checks</h2>');
    expect(page.text).toContain('<td class="num" data-window="30d">83.33%</td><td class="num" data-window="90d">31.25%</td>');
    expect(page.text).toContain('<th scope="row">TCP check</th>');
    // One day with a latency: today, at the right edge, the top of the scale.
    expect(page.text).toContain('aria-label="Daily median response time, up to 104 ms"><polyline points="180,2"/></svg>');
    expect(page.text).not.toContain('secret-path');
    expect(page.text).not.toContain('>Off<');
  });

  it('shows at most 20 checks, oldest first', async () => {
    const prisma = harness.db.prisma;
    const site = await prisma.site.create({ data: { name: 'Many', slug: 'many-checks', publicStatusPage: true, status: 'up' } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://many.example' } });
    for (let i = 0; i < 22; i++) await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', name: `Check ${i}` } });
    const body = (await request(harness.app).get('/api/v1/public/status/many-checks')).body as PublicStatus;
    expect(body.checks?.map((c) => c.name)).toEqual(Array.from({ length: 20 }, (_, i) => `Check ${i}`));
  });
});
