import type { Check, SiteEvent } from '@vigil/db';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import type { PublicStatus } from './build-status';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type EventInput = Partial<Omit<SiteEvent, 'id' | 'uuid' | 'metadata' | 'createdAt' | 'siteId'>>;

type Body = PublicStatus;

describe.each(testDatabaseKinds())('the public status page on %s', (kind) => {
  let harness: ControllerHarness;
  // Every time below is relative to this; the server's own now is a little later.
  const now = Date.now();
  let counter = 0;

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  /** A site with two checks created `age` ago (the start of its monitoring). */
  async function createSite(options: { name?: string; public?: boolean; age?: number; status?: 'up' | 'down' | 'unknown' } = {}) {
    counter += 1;
    const prisma = harness.db.prisma;
    const site = await prisma.site.create({
      data: {
        name: options.name ?? `Shop ${counter}`,
        slug: `shop-${counter}`,
        publicStatusPage: options.public ?? true,
        status: options.status ?? 'up',
        lastCheckedAt: new Date(now - 30_000),
      },
    });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `https://internal-${counter}.example/secret-path` } });
    const createdAt = new Date(now - (options.age ?? 40 * DAY));
    const homepage = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', name: 'Homepage', createdAt } });
    const port = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'tcp', createdAt } });
    const event = (input: EventInput) =>
      prisma.siteEvent.create({
        data: { siteId: site.id, endpointId: endpoint.id, eventType: 'down', severity: 'high', startedAt: new Date(now), ...input },
      });
    const outage = (check: Pick<Check, 'id' | 'type'>, startAgo: number, length: number) =>
      event({
        checkId: check.id,
        checkType: check.type,
        startedAt: new Date(now - startAgo),
        endedAt: new Date(now - startAgo + length),
        resolutionReason: 'recovered',
      });
    return { site, endpoint, homepage, port, createdAt, event, outage };
  }

  const getJson = (slug: string) => request(harness.app).get(`/api/v1/public/status/${slug}`);
  const getHtml = (slug: string) => request(harness.app).get(`/status/${slug}`);

  it('answers 404 alike for a site whose page is not public and for a slug no site has, in JSON and in HTML', async () => {
    const hidden = await createSite({ public: false });
    const [hiddenJson, unknownJson] = await Promise.all([getJson(hidden.site.slug), getJson('no-such-site')]);
    expect(hiddenJson.status).toBe(404);
    expect(unknownJson.status).toBe(404);
    expect(hiddenJson.body).toEqual({ error: { code: 'not_found', message: `No public status page for ${hidden.site.slug}` } });
    expect(unknownJson.body).toEqual({ error: { code: 'not_found', message: 'No public status page for no-such-site' } });
    expect(hiddenJson.headers['cache-control']).toBeUndefined();

    const [hiddenHtml, unknownHtml] = await Promise.all([getHtml(hidden.site.slug), getHtml('no-such-site')]);
    expect(hiddenHtml.status).toBe(404);
    expect(unknownHtml.status).toBe(404);
    expect(hiddenHtml.headers['content-type']).toMatch(/^text\/html/);
    expect(hiddenHtml.text).toBe(unknownHtml.text);
    expect(hiddenHtml.text).not.toContain(hidden.site.name);
  });

  it('needs no credentials, and follows public_status_page as the sites API sets it', async () => {
    const shop = await createSite({ public: false });
    const admin = harness.admin;
    expect((await getJson(shop.site.slug)).status).toBe(404);

    await request(harness.app).patch(`/api/v1/sites/${shop.site.uuid}`).set('Authorization', admin).send({ public_status_page: true }).expect(200);
    const shown = await getJson(shop.site.slug);
    expect(shown.status).toBe(200);
    expect(shown.body.site).toEqual({ name: shop.site.name, slug: shop.site.slug });

    await request(harness.app).patch(`/api/v1/sites/${shop.site.uuid}`).set('Authorization', admin).send({ public_status_page: false }).expect(200);
    expect((await getJson(shop.site.slug)).status).toBe(404);
  });

  it('computes uptime from confirmed outages only: overlaps counted once, maintenance and false alarms left out', async () => {
    const shop = await createSite({ age: 40 * DAY });
    // Two checks down at once, 3 days ago: 2 h and 2 h overlapping by 1 h = 3 h of downtime.
    await shop.outage(shop.homepage, 3 * DAY, 2 * HOUR);
    await shop.outage(shop.port, 3 * DAY - HOUR, 2 * HOUR);
    // Whole-site maintenance 5 days ago for 4 h; an outage from its 3rd hour to 1 h after it: 1 h counts.
    await harness.db.prisma.maintenanceWindow.create({
      data: { siteId: shop.site.id, startsAt: new Date(now - 5 * DAY), endsAt: new Date(now - 5 * DAY + 4 * HOUR), reason: 'db upgrade at 10.0.0.5' },
    });
    await shop.outage(shop.homepage, 5 * DAY - 3 * HOUR, 2 * HOUR);
    // Maintenance of one check: listed, but the site was still monitored.
    await harness.db.prisma.maintenanceWindow.create({
      data: { siteId: shop.site.id, checkId: shop.port.id, startsAt: new Date(now - 6 * DAY), endsAt: new Date(now - 6 * DAY + HOUR) },
    });
    // 30 days ago, 1 h: only in the 90-day figure.
    await shop.outage(shop.port, 30 * DAY, HOUR);
    // A false alarm (never confirmed), a suspicion still open, a certificate warning: none is downtime.
    const suspicion = { checkType: 'http', eventType: 'seems_down', severity: 'low' } as const;
    await shop.event({
      ...suspicion,
      checkId: shop.homepage.id,
      startedAt: new Date(now - 2 * DAY),
      endedAt: new Date(now - 2 * DAY + 30 * 60_000),
      resolutionReason: 'false_alarm',
    });
    await shop.event({ ...suspicion, checkId: shop.port.id, checkType: 'tcp', startedAt: new Date(now - 60_000) });
    await shop.event({ eventType: 'cert_expiring', severity: 'warning', startedAt: new Date(now - 10 * DAY) });
    // Older than 90 days: nowhere.
    await shop.outage(shop.homepage, 95 * DAY, HOUR);

    const response = await getJson(shop.site.slug);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=30');
    const body = response.body as Body;
    const generatedAt = Date.parse(body.generated_at);
    expect(generatedAt).toBeGreaterThanOrEqual(now);

    expect(body.status).toBe('up');
    expect(body.last_checked_at).toBe(new Date(now - 30_000).toISOString());
    expect(body.uptime['24h']).toEqual({
      ratio: 1,
      since: new Date(generatedAt - DAY).toISOString(),
      down_s: 0,
      monitored_s: 86_400,
      maintenance_s: 0,
      unknown_s: 0,
    });
    // 7 days: 3 h + 1 h down over 7 days less 4 h of maintenance.
    expect(body.uptime['7d']).toEqual({
      ratio: 1 - (4 * 3600) / (7 * 86_400 - 4 * 3600),
      since: new Date(generatedAt - 7 * DAY).toISOString(),
      down_s: 4 * 3600,
      monitored_s: 7 * 86_400 - 4 * 3600,
      maintenance_s: 4 * 3600,
      unknown_s: 0,
    });
    // 90 days: monitored only since the first check, 40 days ago.
    const monitoredMs = generatedAt - shop.createdAt.getTime() - 4 * HOUR;
    expect(body.uptime['90d']).toEqual({
      ratio: 1 - (5 * HOUR) / monitoredMs,
      since: shop.createdAt.toISOString(),
      down_s: 5 * 3600,
      monitored_s: monitoredMs / 1000,
      maintenance_s: 4 * 3600,
      unknown_s: 0,
    });

    expect(body.days).toHaveLength(90);
    expect(body.days[89].date).toBe(new Date(generatedAt).toISOString().slice(0, 10));
    const stateOn = (ago: number) => body.days.find((d) => d.date === new Date(now - ago).toISOString().slice(0, 10))?.state;
    expect(stateOn(30 * DAY)).toBe('down');
    expect(stateOn(60 * DAY)).toBe('no_data');
    // Every day that ended before the first check was created: 49 of the 90.
    expect(body.days.filter((d) => d.state === 'no_data').length).toBe(49);
    expect(body.days.reduce((sum, d) => sum + d.down_s, 0)).toBe(5 * 3600);

    // Newest first; the false alarm, the open suspicion, the certificate and the 95-day-old outage are not incidents.
    expect(body.incidents.map((i) => [i.type, Math.round((generatedAt - Date.parse(i.started_at)) / HOUR)])).toEqual([
      ['outage', 71],
      ['outage', 72],
      ['outage', 117],
      ['maintenance', 120],
      ['maintenance', 144],
      ['outage', 720],
    ]);
    expect(body.incidents[1]).toEqual({
      id: expect.any(String),
      type: 'outage',
      severity: 'high',
      started_at: new Date(now - 3 * DAY).toISOString(),
      ended_at: new Date(now - 3 * DAY + 2 * HOUR).toISOString(),
      duration_s: 7200,
      ongoing: false,
      resolution: 'recovered',
      check: { name: 'Homepage', type: 'http' },
    });
    expect(body.incidents[3]).toMatchObject({ type: 'maintenance', severity: null, duration_s: 4 * 3600, ongoing: false, check: null });
    expect(body.incidents[4]).toMatchObject({ type: 'maintenance', check: { name: null, type: 'tcp' } });
    // A public page never shows where checks point, nor operators' notes.
    expect(JSON.stringify(body)).not.toContain('internal-');
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
  });

  it('counts each past occurrence of a recurring window as maintenance and announces the next 7 days of them', async () => {
    const shop = await createSite({ age: 40 * DAY });
    // Daily for an hour, the first 10 days ago plus an hour: 10 occurrences past, the 11th in an hour.
    const first = now - (now % 1000) - 10 * DAY + HOUR;
    const window = await harness.db.prisma.maintenanceWindow.create({
      data: { siteId: shop.site.id, startsAt: new Date(first), endsAt: new Date(first + 19 * DAY + HOUR), rrule: 'FREQ=DAILY;COUNT=20', timezone: 'UTC', durationS: 3600 },
    });
    const body = (await getJson(shop.site.slug)).body as Body;
    // The 7 days hold 7 past occurrences, not one 19-day stretch.
    expect(body.uptime['7d']).toMatchObject({ maintenance_s: 7 * 3600, down_s: 0 });
    expect(body.incidents.map((i) => [i.type, i.started_at])).toEqual(
      Array.from({ length: 10 }, (_, k) => ['maintenance', new Date(first + (9 - k) * DAY).toISOString()]),
    );
    expect(body.upcoming_maintenance).toEqual(
      Array.from({ length: 7 }, (_, k) => ({
        id: window.uuid,
        starts_at: new Date(first + (10 + k) * DAY).toISOString(),
        ends_at: new Date(first + (10 + k) * DAY + HOUR).toISOString(),
        check: null,
      })),
    );
    const page = await getHtml(shop.site.slug);
    expect(page.text).toContain('<h2>Upcoming maintenance</h2>');
  });

  it('expands an open-ended series (no ends_at) started years ago over the 90 days and the next 7 only', async () => {
    const shop = await createSite({ age: 40 * DAY });
    // Daily for an hour, forever, from three years ago; its latest occurrence started 10 days ago plus an hour, and so on.
    const first = now - (now % 1000) - 10 * DAY + HOUR;
    const window = await harness.db.prisma.maintenanceWindow.create({
      data: { siteId: shop.site.id, startsAt: new Date(first - 3 * 365 * DAY), endsAt: null, rrule: 'FREQ=DAILY', timezone: 'UTC', durationS: 3600 },
    });
    const body = (await getJson(shop.site.slug)).body as Body;
    expect(body.uptime['7d']).toMatchObject({ maintenance_s: 7 * 3600, down_s: 0 });
    expect(body.upcoming_maintenance).toHaveLength(7);
    expect(body.upcoming_maintenance[0]).toEqual({ id: window.uuid, starts_at: new Date(first + 10 * DAY).toISOString(), ends_at: new Date(first + 10 * DAY + HOUR).toISOString(), check: null });
  });

  it('counts an ongoing outage up to now and an unknown spell as neither up nor down', async () => {
    const down = await createSite({ age: 2 * HOUR, status: 'down' });
    await down.event({ checkId: down.homepage.id, checkType: 'http', startedAt: new Date(now - HOUR) });
    const body = (await getJson(down.site.slug)).body as Body;
    const generatedAt = Date.parse(body.generated_at);
    expect(body.status).toBe('down');
    // Younger than every window: each is computed over the 2 monitored hours.
    for (const window of ['24h', '7d', '90d'] as const) {
      expect(body.uptime[window]).toEqual({
        ratio: 1 - (generatedAt - now + HOUR) / (generatedAt - now + 2 * HOUR),
        since: down.createdAt.toISOString(),
        down_s: (generatedAt - now + HOUR) / 1000,
        monitored_s: (generatedAt - now + 2 * HOUR) / 1000,
        maintenance_s: 0,
        unknown_s: 0,
      });
    }
    expect(body.incidents).toEqual([
      expect.objectContaining({ type: 'outage', ended_at: null, ongoing: true, resolution: null, duration_s: (generatedAt - now + HOUR) / 1000 }),
    ]);

    const unknown = await createSite({ age: 4 * HOUR, status: 'unknown' });
    await harness.db.prisma.site.update({ where: { id: unknown.site.id }, data: { lastStatusChangeAt: new Date(now - HOUR) } });
    const figures = ((await getJson(unknown.site.slug)).body as Body).uptime['24h'];
    expect(figures).toMatchObject({ ratio: 1, down_s: 0, monitored_s: 3 * 3600, unknown_s: expect.any(Number) });
    expect(figures.unknown_s).toBeGreaterThanOrEqual(3600);
  });

  it('leaves past and ongoing unknown spells out of uptime, says how much, and never says operational meanwhile', async () => {
    const shop = await createSite({ age: 40 * DAY, status: 'unknown' });
    const midnight = Math.floor(now / DAY) * DAY;
    const unknown = (check: Pick<Check, 'id' | 'type'>, from: number, to: number | null, input: EventInput = {}) =>
      shop.event({
        checkId: check.id,
        checkType: check.type,
        eventType: 'unknown',
        severity: 'low',
        startedAt: new Date(from),
        endedAt: to === null ? null : new Date(to),
        resolutionReason: to === null ? null : 'recovered',
        ...input,
      });
    // 10 days ago: a whole UTC day without data (two overlapping spells of both checks: counted once).
    await unknown(shop.homepage, midnight - 10 * DAY - HOUR, midnight - 9 * DAY + HOUR);
    await unknown(shop.port, midnight - 10 * DAY, midnight - 9 * DAY);
    // 3 days ago: 2 h unknown, of which the last hour the other check was down: downtime, not unknown.
    await unknown(shop.homepage, midnight - 3 * DAY + 2 * HOUR, midnight - 3 * DAY + 4 * HOUR);
    await shop.outage(shop.port, now - (midnight - 3 * DAY + 3 * HOUR), HOUR);
    // Now: the homepage has had no data for 30 min (its spell is open).
    await harness.db.prisma.check.update({ where: { id: shop.homepage.id }, data: { status: 'unknown' } });
    await harness.db.prisma.check.update({ where: { id: shop.port.id }, data: { status: 'up' } });
    await harness.db.prisma.site.update({ where: { id: shop.site.id }, data: { lastStatusChangeAt: new Date(now - 30 * 60_000) } });
    await unknown(shop.homepage, now - 30 * 60_000, null);

    const body = (await getJson(shop.site.slug)).body as Body;
    const generatedAt = Date.parse(body.generated_at);
    const ongoingS = (generatedAt - now) / 1000 + 1800;
    expect(body.status).toBe('unknown');
    expect(body.unknown_checks).toBe(1);
    // Seconds from milliseconds: compared to the millisecond.
    const close = (figures: Record<string, unknown>) => Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, expect.closeTo(v as number, 3)]));
    expect(body.uptime['24h']).toMatchObject(close({ ratio: 1, down_s: 0, unknown_s: ongoingS, monitored_s: 86_400 - ongoingS }));
    expect(body.uptime['7d']).toMatchObject(close({ down_s: 3600, unknown_s: 3600 + ongoingS, monitored_s: 7 * 86_400 - 3600 - ongoingS }));
    expect(body.uptime['90d']).toMatchObject(close({ down_s: 3600, unknown_s: 3600 + ongoingS + 86_400 + 2 * 3600 }));
    expect(body.uptime['90d'].ratio).toBeCloseTo(1 - 3600 / body.uptime['90d'].monitored_s, 9);
    const dayOf = (ago: number) => body.days.find((d) => d.date === new Date(midnight - ago).toISOString().slice(0, 10));
    expect(dayOf(10 * DAY)).toEqual({ date: expect.any(String), state: 'no_data', ratio: null, down_s: 0, unknown_s: 86_400 });
    expect(dayOf(3 * DAY)).toMatchObject({ state: 'down', down_s: 3600, unknown_s: 3600 });
    // Unknown spells are not incidents: only the outage is listed.
    expect(body.incidents.map((i) => i.type)).toEqual(['outage']);

    const page = (await getHtml(shop.site.slug)).text;
    expect(page).not.toContain('perational');
    expect(page).toContain('No data: status unknown');
    expect(page).toContain('<section class="banner s-unknown"');
    expect(page).toMatch(/<dd class="note excluded" data-window="90d">1 d 3 h without data excluded<\/dd>/);
    expect(page).toContain(`title="${dayOf(10 * DAY)?.date}: no data"`);

    // A worse status hides the unknown check from the site's status, never from the page.
    await harness.db.prisma.site.update({ where: { id: shop.site.id }, data: { status: 'warning' } });
    const warned = (await getHtml(shop.site.slug)).text;
    expect(warned).not.toContain('perational');
    expect(warned).toContain('<strong>No data for one check</strong>');
  });

  it('gives no figures for a site that has no check yet', async () => {
    counter += 1;
    const site = await harness.db.prisma.site.create({ data: { name: 'Empty', slug: `empty-${counter}`, publicStatusPage: true } });
    const body = (await getJson(site.slug)).body as Body;
    expect(body.status).toBe('unknown');
    expect(body.uptime['90d']).toEqual({ ratio: null, since: null, down_s: 0, monitored_s: 0, maintenance_s: 0, unknown_s: 0 });
    expect(body.days.every((d) => d.state === 'no_data' && d.ratio === null)).toBe(true);
    expect(body.incidents).toEqual([]);
  });

  it('serves an HTML page with the figures, the day strip and the incidents, escaping what operators typed', async () => {
    const shop = await createSite({ name: 'Shop <script>alert("x")</script> & Co', age: 40 * DAY });
    // Both inside one UTC day each, so exactly two bars show downtime whatever the time of day.
    const midnight = Math.floor(now / DAY) * DAY;
    await shop.outage(shop.homepage, now - (midnight - 3 * DAY + 2 * HOUR), 2 * HOUR);
    await harness.db.prisma.check.update({ where: { id: shop.port.id }, data: { name: '<img src=x onerror=alert(1)>' } });
    await shop.outage(shop.port, now - (midnight - 2 * DAY + 2 * HOUR), HOUR);

    const response = await getHtml(shop.site.slug);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(response.headers['cache-control']).toBe('public, max-age=30');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    const page = response.text;

    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('Shop &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('<meta http-equiv="refresh" content="60">');

    // The same figures as the JSON, rounded down to two decimals.
    const json = (await getJson(shop.site.slug)).body as Body;
    const percent = (ratio: number) => `${(Math.floor(ratio * 10_000 + 1e-9) / 100).toFixed(2)}%`;
    expect(page).toContain(`data-window="24h">100%<`);
    expect(page).toContain(`data-window="7d">${percent(json.uptime['7d'].ratio ?? 0)}<`);
    expect(percent(json.uptime['7d'].ratio ?? 0)).toBe('98.21%');
    expect(page).toContain(`data-window="90d">${percent(json.uptime['90d'].ratio ?? 0)}<`);

    expect(page.match(/class="bar d-/g)).toHaveLength(90);
    expect(page.match(/class="bar d-down"/g)).toHaveLength(2);
    expect(page.match(/<li class="incident">/g)).toHaveLength(2);
    // Newest first: the port's outage (2 days ago) before the homepage's (3 days ago).
    expect(page.indexOf('onerror')).toBeLessThan(page.indexOf('Homepage'));
    expect(page).toContain(`href="/api/v1/public/status/${shop.site.slug}"`);
  });
});
