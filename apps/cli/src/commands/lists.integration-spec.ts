import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

/** Rows of a table as cells (columns are two or more spaces apart), header first. */
function cells(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

describe.each(testDatabaseKinds())('vigil sites, checks and events list on %s', (kind) => {
  let harness: ControllerHarness;
  let server: Listening;
  let vigil: RunCli;
  const ids: Record<string, string> = {};

  const post = async (path: string, body: object) => {
    const response = await request(harness.app).post(path).set('Authorization', harness.admin).send(body);
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string };
  };

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    server = await listen(harness.app);
    vigil = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) });
    await harness.addRunner('us-1');
    ids['shop'] = (await post('/api/v1/sites', { name: 'Shop', slug: 'shop', public_status_page: true })).id;
    ids['blog'] = (await post('/api/v1/sites', { name: 'Blog', slug: 'blog' })).id;
    ids['home'] = (await post('/api/v1/checks', { site_id: ids['shop'], type: 'http', target: 'https://shop.example.com/', interval_s: 30 })).id;
    ids['db'] = (await post('/api/v1/checks', { site_id: ids['shop'], type: 'tcp', target: 'db.example.com:5432', locations: ['us-1'], failing_locations_threshold: 1, enabled: false })).id;
    ids['posts'] = (await post('/api/v1/checks', { site_id: ids['blog'], type: 'dns', target: 'blog.example.com' })).id;

    const check = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: ids['home'] }, include: { endpoint: true } });
    const base = { siteId: check.endpoint.siteId, endpointId: check.endpointId, checkId: check.id, checkType: check.type };
    // 520 closed events: more than one page (500), so listing them all must follow next_cursor.
    const start = Date.parse('2026-01-01T00:00:00Z');
    await harness.db.prisma.siteEvent.createMany({
      data: Array.from({ length: 520 }, (_, index) => ({
        ...base,
        eventType: 'seems_down' as const,
        severity: 'low' as const,
        startedAt: new Date(start + index * 60_000),
        endedAt: new Date(start + index * 60_000 + 30_000),
        resolutionReason: 'false_alarm' as const,
      })),
    });
    await harness.db.prisma.siteEvent.create({
      data: { ...base, eventType: 'down', severity: 'high', startedAt: new Date('2026-06-01T12:00:00.250Z') },
    });
    const blog = await harness.db.prisma.site.findUniqueOrThrow({ where: { uuid: ids['blog'] } });
    await harness.db.prisma.siteEvent.create({
      data: { siteId: blog.id, location: 'us-1', eventType: 'runner_offline', severity: 'warning', startedAt: new Date('2026-05-01T08:00:00Z') },
    });
  });
  afterAll(async () => {
    await server.close();
    await harness.dispose();
  });

  it('lists sites by name as a table', async () => {
    const { code, stdout } = await vigil(['sites', 'list']);
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([
      ['SLUG', 'NAME', 'STATUS', 'PUBLIC PAGE', 'LAST CHECKED', 'ID'],
      ['blog', 'Blog', 'unknown', 'no', 'never', ids['blog']],
      ['shop', 'Shop', 'unknown', 'yes', 'never', ids['shop']],
    ]);
  });

  it('lists checks with their site, interval, locations, status and whether enabled', async () => {
    const { code, stdout } = await vigil(['checks', 'list']);
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([
      ['ID', 'SITE', 'TYPE', 'TARGET', 'INTERVAL', 'LOCATIONS', 'STATUS', 'ENABLED'],
      [ids['home'], 'shop', 'http', 'https://shop.example.com/', '30s', 'all', 'unknown', 'yes'],
      [ids['db'], 'shop', 'tcp', 'db.example.com:5432', '60s', 'us-1', 'unknown', 'no'],
      [ids['posts'], 'blog', 'dns', 'blog.example.com', '60s', 'all', 'unknown', 'yes'],
    ]);
  });

  it("lists one site's checks with --site, as JSON with --json", async () => {
    const { code, stdout } = await vigil(['checks', 'list', '--site', 'blog', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: ids['posts'], site_id: ids['blog'], type: 'dns' })]);
  });

  it('fails with exit code 1 for a site slug that does not exist', async () => {
    expect(await vigil(['checks', 'list', '--site', 'nowhere'])).toEqual({ code: 1, stdout: '', stderr: 'vigil: no site has the slug "nowhere"\n' });
  });

  it('lists open events newest first with their site, target and reason', async () => {
    const { code, stdout } = await vigil(['events', 'list', '--open']);
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([
      ['STARTED', 'STATE', 'TYPE', 'SEVERITY', 'SITE', 'CHECK TARGET', 'REASON'],
      ['2026-06-01T12:00:00Z', 'open', 'down', 'high', 'shop', 'https://shop.example.com/', '-'],
      ['2026-05-01T08:00:00Z', 'open', 'runner_offline', 'warning', 'blog', 'runner us-1', '-'],
    ]);
  });

  it('follows next_cursor to list every event, and stops at --limit', async () => {
    const all = await vigil(['events', 'list', '--json']);
    expect(all.code).toBe(0);
    const events = JSON.parse(all.stdout) as Array<{ id: string; started_at: string }>;
    expect(events).toHaveLength(522);
    expect(new Set(events.map((event) => event.id)).size).toBe(522);
    const starts = events.map((event) => Date.parse(event.started_at));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));

    const limited = await vigil(['events', 'list', '--site', 'shop', '--limit', '510']);
    expect(limited.code).toBe(0);
    const rows = cells(limited.stdout).slice(1);
    expect(rows).toHaveLength(510);
    expect(rows[1]).toEqual([expect.stringMatching(/^2026-01-01T08:39:00Z$/), 'closed', 'seems_down', 'low', 'shop', 'https://shop.example.com/', 'false_alarm']);
  });

  it("lists one check's events with --check", async () => {
    const { code, stdout } = await vigil(['events', 'list', '--check', ids['posts']]);
    expect(code).toBe(0);
    expect(cells(stdout)).toEqual([['STARTED', 'STATE', 'TYPE', 'SEVERITY', 'SITE', 'CHECK TARGET', 'REASON']]);
  });

  it('exits 2 with the usage for a bad --limit, --check or flag', async () => {
    for (const argv of [
      ['events', 'list', '--limit', '0'],
      ['events', 'list', '--check', 'not-a-uuid'],
      ['events', 'list', '--bogus'],
      ['events', 'list', '--limit'],
    ]) {
      const { code, stdout, stderr } = await vigil(argv);
      expect({ argv, code, stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(stderr).toMatch(/^vigil: .+\n\nUsage: vigil events list \[flags\]\n/);
    }
  });

  it('lists archived sites only with --archived', async () => {
    const gone = await post('/api/v1/sites', { name: 'Gone', slug: 'gone' });
    await request(harness.app).delete(`/api/v1/sites/${gone.id}`).set('Authorization', harness.admin).expect(204);
    const live = await vigil(['sites', 'list']);
    expect(live.stdout).not.toContain('gone');
    const { code, stdout } = await vigil(['sites', 'list', '--archived']);
    expect(code).toBe(0);
    const rows = cells(stdout);
    expect(rows[0]).toEqual(['SLUG', 'NAME', 'ARCHIVED', 'ID']);
    expect(rows.slice(1)).toEqual([['gone', 'Gone', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), gone.id]]);
  });
});
