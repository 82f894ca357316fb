import { testDatabaseKinds } from '@vigil/db/testing';
import { PERCENTILE_RELATIVE_ERROR } from '@vigil/rollups';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H);
// 12:00 on day 1 to midnight after day 10: hourly rollups on day 1, daily ones from day 2.
const WINDOW = `?from=${at(12).toISOString()}&to=${at(240).toISOString()}`;

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the reports API on %s', (kind) => {
  let harness: ControllerHarness;
  let site: { id: string; slug: string };
  let a: { id: string };
  let b: { id: string };

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    await harness.addRunner('eu-1');
    await harness.addRunner('us-1');
    const api = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
    site = (await api('/api/v1/sites', { name: 'Shop, EU', slug: 'shop' })).body;
    a = (await api('/api/v1/checks', { site_id: site.id, type: 'http', target: 'https://example.com', name: 'home', locations: ['eu-1', 'us-1'] })).body;
    b = (await api('/api/v1/checks', { site_id: site.id, type: 'http', target: 'https://example.com/api', name: 'api', locations: ['eu-1'] })).body;
    const { prisma } = harness.db;
    const siteRow = await prisma.site.update({ where: { uuid: site.id }, data: { status: 'up' } });
    await prisma.check.updateMany({ where: { uuid: { in: [a.id, b.id] } }, data: { status: 'up', createdAt: new Date('2026-01-01T00:00:00Z') } });
    const checkA = await prisma.check.findUniqueOrThrow({ where: { uuid: a.id } });
    const checkB = await prisma.check.findUniqueOrThrow({ where: { uuid: b.id } });
    const event = (checkId: number, eventType: 'down' | 'unknown' | 'seems_down', start: number, end: number) =>
      prisma.siteEvent.create({
        data: { siteId: siteRow.id, checkId, eventType, severity: 'high', startedAt: at(start), endedAt: at(end), resolutionReason: 'recovered' },
      });
    // A: down 11–13 h (across the window's start) and 24–26 h, unknown 48–54 h, a false alarm 60–61 h.
    await event(checkA.id, 'down', 11, 13);
    await event(checkA.id, 'down', 24, 26);
    await event(checkA.id, 'unknown', 48, 54);
    await event(checkA.id, 'seems_down', 60, 61);
    // B: down 25–27 h, overlapping A's: one incident of the site.
    await event(checkB.id, 'down', 25, 27);
    // Maintenance of the whole site 100–104 h, of B alone 120–122 h.
    await prisma.maintenanceWindow.create({ data: { siteId: siteRow.id, startsAt: at(100), endsAt: at(104) } });
    await prisma.maintenanceWindow.create({ data: { siteId: siteRow.id, checkId: checkB.id, startsAt: at(120), endsAt: at(122) } });

    const rollup = (table: 'hourly' | 'daily', checkId: number, location: string, start: Date, counts: [number, number, number], latencies: number[]) =>
      prisma.$executeRawUnsafe(
        `INSERT INTO check_rollups_${table} (check_id, location, bucket_start, count, failures, inconclusive, degraded,
          latency_count, latency_sum, latency_min, latency_max, histogram)
        SELECT $1, $2, $3, $4, $5, $6, 0,
          cardinality(l), (SELECT coalesce(sum(x), 0) FROM unnest(l) x), (SELECT min(x) FROM unnest(l) x), (SELECT max(x) FROM unnest(l) x),
          vigil_latency_histogram((SELECT array_agg(vigil_latency_bucket(x)) FROM unnest(l) x))
        FROM (SELECT $7::int[] AS l) AS v`,
        checkId,
        location,
        start,
        ...counts,
        latencies,
      );
    // Read: the hour at 12:00 on day 1 (an edge), day 2 and day 5 (whole days).
    await rollup('hourly', checkA.id, 'eu-1', at(12), [5, 1, 0], [100, 200, 300]);
    await rollup('daily', checkA.id, 'eu-1', at(24), [10, 0, 0], [1000, 2000]);
    await rollup('daily', checkA.id, 'us-1', at(96), [4, 0, 4], []);
    await rollup('daily', checkB.id, 'eu-1', at(72), [7, 2, 0], [50]);
    // Not read: the hour before the window, day 1 by day (its hours are read), an hour of a day read by day.
    await rollup('hourly', checkA.id, 'eu-1', at(11), [100, 0, 0], []);
    await rollup('daily', checkA.id, 'eu-1', at(0), [1000, 0, 0], []);
    await rollup('hourly', checkA.id, 'eu-1', at(53), [10_000, 0, 0], []);
  });
  afterAll(() => harness.dispose());

  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);
  const near = (exact: number) => ({ asymmetricMatch: (x: number) => Math.abs(x - exact) <= exact * PERCENTILE_RELATIVE_ERROR, toString: () => `≈${exact}` });

  it("reports a site's uptime without maintenance and unknown time, its incidents, MTTR and MTBF, with a read key", async () => {
    const response = await get(`/api/v1/reports/sites/${site.id}${WINDOW}`, await harness.keyWith(['read']));
    expect(response.status).toBe(200);
    const report = response.body;
    expect(report).toMatchObject({ from: at(12).toISOString(), to: at(240).toISOString(), site: { id: site.id, slug: 'shop', name: 'Shop, EU' } });
    // 228 h: down 12–13 and 24–27 (4 h); unknown 6 h; the site's maintenance 4 h (B's own is not the site's).
    expect(report.availability).toEqual({
      ratio: 1 - 4 / 218,
      since: at(12).toISOString(),
      window_s: 228 * 3600,
      counted_s: 218 * 3600,
      down_s: 4 * 3600,
      excluded_s: 10 * 3600,
      maintenance_s: 4 * 3600,
      unknown_s: 6 * 3600,
      unmonitored_s: 0,
    });
    // 11–13 (2 h whole) and 24–27 (3 h) recovered; only the second started in the window, after 214 h up.
    expect(report.incidents).toEqual({ count: 2, started: 1, ended: 2, ongoing: 0, mttr_s: 2.5 * 3600, mtbf_s: 214 * 3600 });
    expect(report.days).toHaveLength(10);
    expect(report.days[0]).toEqual({ date: '2026-11-01', ratio: 1 - 1 / 12, down_s: 3600, excluded_s: 0 });
    expect(report.days[2]).toEqual({ date: '2026-11-03', ratio: 1, down_s: 0, excluded_s: 6 * 3600 });
  });

  it('reports each check with its own outages and maintenance, and its locations merged from hourly and daily rollups', async () => {
    const { checks } = (await get(`/api/v1/reports/sites/${site.id}${WINDOW}`)).body;
    expect(checks.map((c: { check: { id: string } }) => c.check.id)).toEqual([a.id, b.id]);
    const [home, apiCheck] = checks;
    expect(home.availability).toMatchObject({ ratio: 1 - 3 / 218, down_s: 3 * 3600, maintenance_s: 4 * 3600, unknown_s: 6 * 3600 });
    expect(home.incidents).toEqual({ count: 2, started: 1, ended: 2, ongoing: 0, mttr_s: 2 * 3600, mtbf_s: 215 * 3600 });
    expect(apiCheck.availability).toMatchObject({ ratio: 1 - 2 / 222, down_s: 2 * 3600, maintenance_s: 6 * 3600, unknown_s: 0 });
    expect(home.locations).toEqual([
      {
        location: 'eu-1',
        count: 15,
        failures: 1,
        inconclusive: 0,
        degraded: 0,
        success_ratio: 14 / 15,
        latency_ms: { count: 5, mean: 720, min: 100, max: 2000, p50: near(300), p95: near(2000), p99: near(2000) },
      },
      expect.objectContaining({ location: 'us-1', count: 4, inconclusive: 4, success_ratio: null }),
    ]);
    expect(apiCheck.locations).toEqual([expect.objectContaining({ location: 'eu-1', count: 7, failures: 2 })]);
  });

  it('reports one check, by default over the last 30 days', async () => {
    const report = (await get(`/api/v1/reports/checks/${a.id}${WINDOW}`)).body;
    expect(report).toMatchObject({ site: { slug: 'shop' }, check: { id: a.id, name: 'home', type: 'http', deleted: false } });
    expect(report.incidents.mttr_s).toBe(2 * 3600);
    expect(report.locations.map((l: { location: string }) => l.location)).toEqual(['eu-1', 'us-1']);
    const recent = await get(`/api/v1/reports/checks/${a.id}`);
    expect(recent.status).toBe(200);
    expect(Date.parse(recent.body.to) - Date.parse(recent.body.from)).toBe(30 * 24 * H);
    expect(recent.body.incidents.count).toBe(0);
  });

  it('exports CSV on ?format=csv or Accept: text/csv, as an attachment with a header line', async () => {
    const csv = await get(`/api/v1/reports/sites/${site.id}${WINDOW}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename=vigil-report-shop-2026-11-01-2026-11-11.csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^from,to,site,check_id,check_name,check_type,uptime,.*,location,results,failures,/);
    expect(lines.slice(1).map((l) => [l.split(',')[4], l.split(',')[15], l.split(',')[16]])).toEqual([
      ['home', 'eu-1', '15'],
      ['home', 'us-1', '4'],
      ['api', 'eu-1', '7'],
    ]);
    const accepted = await get(`/api/v1/reports/checks/${a.id}${WINDOW}`).set('Accept', 'text/csv');
    expect(accepted.headers['content-disposition']).toMatch(/^attachment; filename=vigil-report-check-/);
    expect(accepted.text.trimEnd().split('\r\n')).toHaveLength(3);
    expect((await get(`/api/v1/reports/checks/${a.id}${WINDOW}&format=json`).set('Accept', 'text/csv')).body.check.id).toBe(a.id);
  });

  it('refuses an empty, inverted or too long window with a message, and answers 404 and 401', async () => {
    const inverted = await get(`/api/v1/reports/sites/${site.id}?from=${at(20).toISOString()}&to=${at(10).toISOString()}`);
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.message).toBe('query parameter from: must be before to');
    const long = await get(`/api/v1/reports/sites/${site.id}?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe('query parameter from: a report covers at most 400 days');
    expect((await get(`/api/v1/reports/sites/${site.id}?from=2999-01-01T00:00:00Z`)).body.error.message).toBe('query parameter from: must be before now');
    expect((await get(`/api/v1/reports/sites/${site.id}?from=yesterday`)).status).toBe(400);
    expect((await get(`/api/v1/reports/sites/${site.id}?format=xml`)).status).toBe(400);
    expect((await get('/api/v1/reports/checks/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/api/v1/reports/sites/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await request(harness.app).get(`/api/v1/reports/sites/${site.id}`)).status).toBe(401);
  });
});
