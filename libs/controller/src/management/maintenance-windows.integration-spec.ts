import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

type Fixture = Awaited<ReturnType<typeof createSiteWithCheck>>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe.each(testDatabaseKinds())('the maintenance windows API on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  let alpha: Fixture;
  let beta: Fixture;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write']);
    alpha = await createSiteWithCheck(harness.db.prisma);
    beta = await createSiteWithCheck(harness.db.prisma);
  });
  afterAll(() => harness.dispose());

  const create = (body: object, authorization = writer) =>
    request(harness.app).post('/api/v1/maintenance-windows').set('Authorization', authorization).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', writer);
  const problemsOf = (response: request.Response) => response.body.error.details.problems as Array<{ field: string; message: string }>;

  it('creates a window for a whole site, active while now is within it', async () => {
    const body = { site_id: alpha.site.uuid, starts_at: iso(-HOUR), ends_at: iso(HOUR), reason: 'database upgrade' };
    const response = await create(body);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      site_id: alpha.site.uuid,
      check_id: null,
      starts_at: body.starts_at,
      ends_at: body.ends_at,
      reason: 'database upgrade',
      rrule: null,
      rule_text: null,
      timezone: null,
      duration_s: null,
      active: true,
      next_occurrences: [{ starts_at: body.starts_at, ends_at: body.ends_at }],
      created_at: expect.any(String),
    });
    const row = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: response.body.id } });
    expect([row.siteId, row.checkId]).toEqual([alpha.site.id, null]);
  });

  it('creates a window for one check of the site, inactive until it starts', async () => {
    const response = await create({ site_id: alpha.site.uuid, check_id: alpha.check.uuid, starts_at: iso(DAY), ends_at: iso(DAY + HOUR) });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ check_id: alpha.check.uuid, active: false, reason: null });
  });

  it('accepts times with an offset and answers them in UTC', async () => {
    const response = await create({ site_id: beta.site.uuid, starts_at: '2030-06-01T10:00:00+02:00', ends_at: '2030-06-01T12:00:00+02:00' });
    expect(response.body).toMatchObject({ starts_at: '2030-06-01T08:00:00.000Z', ends_at: '2030-06-01T10:00:00.000Z' });
  });

  it('refuses a check of another site, naming check_id', async () => {
    const response = await create({ site_id: alpha.site.uuid, check_id: beta.check.uuid, starts_at: iso(0), ends_at: iso(HOUR) });
    expect(response.status).toBe(422);
    expect(problemsOf(response)).toEqual([{ field: 'check_id', message: 'is a check of another site than site_id' }]);
  });

  it('refuses an unknown site or check, naming the field', async () => {
    const unknown = '0b9f8a5e-0000-4000-8000-000000000000';
    const site = await create({ site_id: unknown, starts_at: iso(0), ends_at: iso(HOUR) });
    expect([site.status, problemsOf(site)[0].field]).toEqual([422, 'site_id']);
    const check = await create({ site_id: alpha.site.uuid, check_id: unknown, starts_at: iso(0), ends_at: iso(HOUR) });
    expect([check.status, problemsOf(check)[0].field]).toEqual([422, 'check_id']);
  });

  it('refuses an end before the start, a window longer than 31 days and a long reason, naming the field', async () => {
    const backwards = await create({ site_id: alpha.site.uuid, starts_at: iso(HOUR), ends_at: iso(0) });
    expect([backwards.status, problemsOf(backwards)]).toEqual([422, [{ field: 'ends_at', message: 'must be after starts_at' }]]);
    const empty = await create({ site_id: alpha.site.uuid, starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T00:00:00Z' });
    expect(problemsOf(empty)[0].field).toBe('ends_at');
    const long = await create({ site_id: alpha.site.uuid, starts_at: iso(0), ends_at: iso(31 * DAY + 60_000) });
    expect([long.status, problemsOf(long)[0].field]).toEqual([422, 'ends_at']);
    // One instant for both ends: two Date.now() calls a millisecond apart make the window 31 days and 1 ms.
    const start = Date.now();
    const longest = { starts_at: new Date(start).toISOString(), ends_at: new Date(start + 31 * DAY).toISOString() };
    expect((await create({ site_id: alpha.site.uuid, ...longest })).status).toBe(201);
    const reason = await create({ site_id: alpha.site.uuid, starts_at: iso(0), ends_at: iso(HOUR), reason: 'x'.repeat(501) });
    expect(problemsOf(reason)[0].field).toBe('reason');
    const noZone = await create({ site_id: alpha.site.uuid, starts_at: '2030-01-01T00:00:00', ends_at: iso(HOUR) });
    expect(problemsOf(noZone)[0].field).toBe('starts_at');
  });

  it('lists windows latest start first across pages, filtered by site, check and activity', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const past = await create({ site_id: site.site.uuid, starts_at: iso(-3 * HOUR), ends_at: iso(-2 * HOUR) });
    const now = await create({ site_id: site.site.uuid, check_id: site.check.uuid, starts_at: iso(-HOUR), ends_at: iso(HOUR) });
    const later = await create({ site_id: site.site.uuid, starts_at: iso(2 * HOUR), ends_at: iso(3 * HOUR) });
    const ids = async (query: string) => {
      const collected: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(`/api/v1/maintenance-windows?site_id=${site.site.uuid}&limit=1&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        collected.push(...page.body.data.map((window: { id: string }) => window.id));
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      return collected;
    };
    expect(await ids('')).toEqual([later.body.id, now.body.id, past.body.id]);
    expect(await ids('active=true')).toEqual([now.body.id]);
    expect(await ids('active=false')).toEqual([later.body.id, past.body.id]);
    expect(await ids(`check_id=${site.check.uuid}`)).toEqual([now.body.id]);
    expect((await get('/api/v1/maintenance-windows?active=maybe')).status).toBe(400);
  });

  it('gets one window, deletes it (204), then answers 404 for it', async () => {
    const created = await create({ site_id: beta.site.uuid, starts_at: iso(0), ends_at: iso(HOUR) });
    const got = await get(`/api/v1/maintenance-windows/${created.body.id}`);
    expect([got.status, got.body]).toEqual([200, { ...created.body, active: expect.any(Boolean) }]);
    const deleted = await request(harness.app).delete(`/api/v1/maintenance-windows/${created.body.id}`).set('Authorization', writer);
    expect(deleted.status).toBe(204);
    expect((await get(`/api/v1/maintenance-windows/${created.body.id}`)).status).toBe(404);
    expect((await request(harness.app).delete(`/api/v1/maintenance-windows/${created.body.id}`).set('Authorization', writer)).status).toBe(404);
  });

  describe('update', () => {
    const update = (id: string, body: object, authorization = writer) =>
      request(harness.app).patch(`/api/v1/maintenance-windows/${id}`).set('Authorization', authorization).send(body);
    const schedule = async (body: object = {}) => {
      const created = await create({ site_id: alpha.site.uuid, starts_at: iso(DAY), ends_at: iso(DAY + HOUR), reason: 'kernel upgrade', ...body });
      expect(created.status).toBe(201);
      return created.body as { id: string; starts_at: string; ends_at: string };
    };

    it('changes each field on its own, keeping the others, and answers the window as changed', async () => {
      const window = await schedule();
      const starts_at = iso(DAY - HOUR);
      const moved = await update(window.id, { starts_at });
      expect([moved.status, moved.body]).toEqual([200, { ...window, starts_at, next_occurrences: [{ starts_at, ends_at: window.ends_at }], active: false, check_id: null, reason: 'kernel upgrade', site_id: alpha.site.uuid, created_at: expect.any(String) }]);
      const ends_at = iso(DAY + 2 * HOUR);
      expect((await update(window.id, { ends_at })).body).toMatchObject({ starts_at, ends_at, reason: 'kernel upgrade' });
      expect((await update(window.id, { reason: 'kernel and firmware' })).body).toMatchObject({ starts_at, ends_at, reason: 'kernel and firmware' });
      expect((await update(window.id, { reason: null })).body.reason).toBeNull();
      expect((await update(window.id, { check_id: alpha.check.uuid })).body).toMatchObject({ site_id: alpha.site.uuid, check_id: alpha.check.uuid, starts_at, ends_at });
      expect((await update(window.id, { check_id: null })).body.check_id).toBeNull();
      expect((await update(window.id, { site_id: beta.site.uuid, check_id: beta.check.uuid })).body).toMatchObject({ site_id: beta.site.uuid, check_id: beta.check.uuid });
      expect((await update(window.id, {})).body).toMatchObject({ site_id: beta.site.uuid, check_id: beta.check.uuid, starts_at, ends_at, reason: null });
      const row = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: window.id } });
      expect([row.siteId, row.checkId, row.startsAt.toISOString(), row.endsAt?.toISOString(), row.reason]).toEqual([beta.site.id, beta.check.id, starts_at, ends_at, '']);
      expect((await get(`/api/v1/maintenance-windows/${window.id}`)).body).toEqual({ ...(await update(window.id, {})).body, active: false });
    });

    it('judges the window as changed: an end before the start or more than 31 days after it is refused, naming ends_at', async () => {
      const window = await schedule();
      const early = await update(window.id, { ends_at: iso(DAY - HOUR) });
      expect([early.status, problemsOf(early)]).toEqual([422, [{ field: 'ends_at', message: 'must be after starts_at' }]]);
      const late = await update(window.id, { starts_at: iso(DAY + 2 * HOUR) });
      expect([late.status, problemsOf(late)]).toEqual([422, [{ field: 'ends_at', message: 'must be after starts_at' }]]);
      const long = await update(window.id, { ends_at: iso(DAY + 31 * DAY + 60_000) });
      expect([long.status, problemsOf(long)]).toEqual([422, [{ field: 'ends_at', message: 'must be at most 31 days after starts_at' }]]);
      const both = await update(window.id, { starts_at: iso(2 * DAY), ends_at: iso(DAY) });
      expect([both.status, problemsOf(both)[0].field]).toEqual([422, 'ends_at']);
      // Moving both together keeps a valid window valid, even past the old end.
      expect((await update(window.id, { starts_at: iso(3 * DAY), ends_at: iso(3 * DAY + HOUR) })).status).toBe(200);
      const unchanged = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: window.id } });
      expect(unchanged.reason).toBe('kernel upgrade');
    });

    it('refuses a bad scope, field or body, naming the field, and changes nothing', async () => {
      const window = await schedule();
      const unknown = '0b9f8a5e-0000-4000-8000-000000000000';
      const otherSite = await update(window.id, { check_id: beta.check.uuid });
      expect([otherSite.status, problemsOf(otherSite)]).toEqual([422, [{ field: 'check_id', message: 'is a check of another site than site_id' }]]);
      expect(problemsOf(await update(window.id, { check_id: unknown }))[0].field).toBe('check_id');
      expect(problemsOf(await update(window.id, { site_id: unknown }))[0].field).toBe('site_id');
      expect(problemsOf(await update(window.id, { reason: 'x'.repeat(501) }))[0].field).toBe('reason');
      expect(problemsOf(await update(window.id, { starts_at: '2030-01-01T00:00:00' }))[0].field).toBe('starts_at');
      expect((await update(window.id, { title: 'no such field' })).status).toBe(422);
      expect((await update(window.id, { site_id: null })).status).toBe(422);
      const row = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: window.id } });
      expect([row.siteId, row.checkId, row.startsAt.toISOString(), row.reason]).toEqual([alpha.site.id, null, window.starts_at, 'kernel upgrade']);
    });

    it('answers 404 for an unknown window, 400 for an id that is not one, 403 to a read key and 409 for an archived site', async () => {
      const missing = await update('0b9f8a5e-0000-4000-8000-000000000000', { reason: 'x' });
      expect([missing.status, missing.body.error.message]).toEqual([404, 'No maintenance window has the id 0b9f8a5e-0000-4000-8000-000000000000']);
      expect((await update('not-a-uuid', { reason: 'x' })).status).toBe(400);
      const window = await schedule();
      expect((await update(window.id, { reason: 'by reader' }, await harness.keyWith(['read']))).status).toBe(403);
      expect((await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: window.id } })).reason).toBe('kernel upgrade');
      const archived = await createSiteWithCheck(harness.db.prisma);
      const ofArchived = await create({ site_id: archived.site.uuid, starts_at: iso(DAY), ends_at: iso(DAY + HOUR) });
      await harness.db.prisma.site.update({ where: { id: archived.site.id }, data: { archivedAt: new Date() } });
      const refused = await update(ofArchived.body.id, { reason: 'late' });
      expect([refused.status, refused.body.error.code]).toEqual([409, 'site_archived']);
    });

    it('writes an audit entry for a change and for a refusal, and ignores an Idempotency-Key as the other PATCH routes do', async () => {
      const window = await schedule();
      await update(window.id, { reason: 'audited' }).expect(200);
      await update(window.id, { ends_at: iso(0) }).expect(422);
      const first = await update(window.id, { reason: 'keyed' }).set('Idempotency-Key', 'maint-1');
      await update(window.id, { reason: 'keyed again' }).set('Idempotency-Key', 'maint-1').expect(200);
      expect(first.status).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect((await get(`/api/v1/maintenance-windows/${window.id}`)).body.reason).toBe('keyed again');
      const log = await request(harness.app).get(`/api/v1/audit-log?resource_id=${window.id}`).set('Authorization', harness.admin);
      const entries = log.body.data as Array<{ method: string; route: string; status: number; resource_type: string; summary: { fields?: string[]; values?: object } }>;
      expect(entries.map((entry) => [entry.method, entry.route, entry.status])).toEqual([
        ['PATCH', '/api/v1/maintenance-windows/:id', 200],
        ['PATCH', '/api/v1/maintenance-windows/:id', 200],
        ['PATCH', '/api/v1/maintenance-windows/:id', 422],
        ['PATCH', '/api/v1/maintenance-windows/:id', 200],
        ['POST', '/api/v1/maintenance-windows', 201],
      ]);
      expect(entries[3]).toMatchObject({ resource_type: 'maintenance-window', summary: { fields: ['reason'], values: { reason: 'audited' } } });
    });

    it('is seen by what reads windows: the active flag and filter, and the public status page', async () => {
      const site = await createSiteWithCheck(harness.db.prisma);
      await harness.db.prisma.site.update({ where: { id: site.site.id }, data: { publicStatusPage: true } });
      const window = (await create({ site_id: site.site.uuid, starts_at: iso(DAY), ends_at: iso(DAY + HOUR) })).body;
      const activeIds = async () =>
        (await get(`/api/v1/maintenance-windows?site_id=${site.site.uuid}&active=true`)).body.data.map((w: { id: string }) => w.id);
      const incidents = async () =>
        ((await request(harness.app).get(`/api/v1/public/status/${site.site.slug}`)).body.incidents as Array<{ id: string; type: string; ongoing: boolean; started_at: string }>).filter(
          (incident) => incident.type === 'maintenance',
        );
      expect([await activeIds(), await incidents()]).toEqual([[], []]);

      const starts_at = iso(-HOUR);
      const started = await update(window.id, { starts_at });
      expect(started.body.active).toBe(true);
      expect(await activeIds()).toEqual([window.id]);
      expect(await incidents()).toEqual([expect.objectContaining({ id: window.id, ongoing: true, started_at: starts_at })]);

      const ended = await update(window.id, { ends_at: iso(-60_000) });
      expect(ended.body.active).toBe(false);
      expect(await activeIds()).toEqual([]);
      expect(await incidents()).toEqual([expect.objectContaining({ id: window.id, ongoing: false })]);
    });
  });

  it('lets a read key list windows but not create or delete one', async () => {
    const reader = await harness.keyWith(['read']);
    const body = { site_id: beta.site.uuid, starts_at: iso(0), ends_at: iso(HOUR), reason: 'by reader' };
    expect((await create(body, reader)).status).toBe(403);
    expect(await harness.db.prisma.maintenanceWindow.count({ where: { reason: 'by reader' } })).toBe(0);
    const existing = await create({ site_id: beta.site.uuid, starts_at: iso(0), ends_at: iso(HOUR) });
    expect((await request(harness.app).delete(`/api/v1/maintenance-windows/${existing.body.id}`).set('Authorization', reader)).status).toBe(403);
    expect((await request(harness.app).get('/api/v1/maintenance-windows').set('Authorization', reader)).status).toBe(200);
    expect((await create(body, harness.admin)).status).toBe(201);
  });

  it('answers 401 without a key', async () => {
    expect((await request(harness.app).get('/api/v1/maintenance-windows')).status).toBe(401);
  });
});
