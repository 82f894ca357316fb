import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';
import { formatDuration, formatRatio } from './report';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * H);
const WINDOW = ['--from', '2026-11-01', '--to', '2026-11-03T00:00:00Z'];

describe.each(testDatabaseKinds())('vigil report on %s', (kind) => {
  let harness: ControllerHarness;
  let server: Listening;
  let vigil: RunCli;
  let check: { id: string };

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    await harness.addRunner('eu-1');
    server = await listen(harness.app);
    vigil = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(await harness.keyWith(['read'])) });
    const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body).expect(201);
    const site = (await post('/api/v1/sites', { name: 'Reported', slug: 'reported' })).body;
    check = (await post('/api/v1/checks', { site_id: site.id, type: 'http', target: 'https://example.com', name: 'home', locations: ['eu-1'] })).body;
    const { prisma } = harness.db;
    const siteRow = await prisma.site.update({ where: { uuid: site.id }, data: { status: 'up' } });
    const row = await prisma.check.update({ where: { uuid: check.id }, data: { status: 'up', createdAt: at(-24) } });
    // Down 6–8 h on day 1 of a two-day window: 2 h of 48.
    await prisma.siteEvent.create({ data: { siteId: siteRow.id, checkId: row.id, eventType: 'down', severity: 'high', startedAt: at(6), endedAt: at(8), resolutionReason: 'recovered' } });
    await prisma.$executeRaw`
      INSERT INTO check_rollups_hourly (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, latency_min, latency_max, histogram)
      VALUES (${row.id}, 'eu-1', ${at(10)}, 6, 2, 0, 0, 1, 120, 120, 120, vigil_latency_histogram(ARRAY[vigil_latency_bucket(120)]))`;
  });
  afterAll(async () => {
    await server.close();
    await harness.dispose();
  });

  it("prints a site's report as text: uptime, excluded time, incidents, MTTR, MTBF, then its checks and locations", async () => {
    const { code, stdout, stderr } = await vigil(['report', 'site', 'reported', ...WINDOW]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Site reported (Reported), 2026-11-01T00:00:00.000Z to 2026-11-03T00:00:00.000Z');
    expect(lines[1]).toBe('Uptime     95.833 % over 2 d counted; down 2 h');
    expect(lines[2]).toBe('Excluded   0 s (maintenance 0 s, unknown 0 s)');
    expect(lines[3]).toBe('Incidents  1 (1 started, 1 ended, 0 ongoing); MTTR 2 h; MTBF 46 h');
    expect(stdout).toMatch(new RegExp(`home +${check.id} +95\\.833 % +2 h +0 s +1 +2 h +46 h`));
    expect(stdout).toMatch(/home +eu-1 +6 +2 +0 +66\.666 % +120 ms +120 ms +120 ms/);
  });

  it('prints JSON with --format json or --json, and CSV with a header line and one row per location', async () => {
    const json = await vigil(['report', 'check', check.id, ...WINDOW, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ check: { id: check.id }, availability: { down_s: 7200, counted_s: 48 * 3600 }, incidents: { mttr_s: 7200 } });
    expect(JSON.parse((await vigil(['report', 'site', 'reported', '--json'])).stdout).site.slug).toBe('reported');
    const csv = await vigil(['report', 'site', 'reported', ...WINDOW, '--format', 'csv']);
    const rows = csv.stdout.trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[0].startsWith('from,to,site,check_id,')).toBe(true);
    expect(rows[1].split(',').slice(2, 7)).toEqual(['reported', check.id, 'home', 'http', String(1 - 2 / 48)]);
  });

  it('reads --last as the window ending now, and refuses bad flags with a usage error', async () => {
    const recent = JSON.parse((await vigil(['report', 'check', check.id, '--last', '2w', '--json'])).stdout);
    expect(Date.parse(recent.to) - Date.parse(recent.from)).toBe(14 * 24 * H);
    expect(Date.parse(recent.to)).toBeLessThanOrEqual(Date.now());
    expect(await vigil(['report', 'check', check.id, '--last', '7d', '--from', '2026-11-01'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--last cannot be combined') });
    expect(await vigil(['report', 'check', check.id, '--last', '5x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--last must be') });
    expect(await vigil(['report', 'site', 'reported', '--format', 'xml'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of table, json, csv') });
    const long = await vigil(['report', 'site', 'reported', '--last', '401d']);
    expect(long).toMatchObject({ code: 1, stderr: expect.stringContaining('a report covers at most 400 days') });
  });
});

describe('report formatting', () => {
  it('writes durations in the unit that reads best and uptime to three decimals, never rounded up to 100 %', () => {
    expect([formatDuration(null), formatDuration(90), formatDuration(2700), formatDuration(5.5 * 3600), formatDuration(12.34 * 86_400)]).toEqual([
      '-',
      '90 s',
      '45 min',
      '5.5 h',
      '12.3 d',
    ]);
    expect([formatRatio(null), formatRatio(1), formatRatio(0.999999), formatRatio(0.5)]).toEqual(['-', '100.000 %', '99.999 %', '50.000 %']);
  });
});
