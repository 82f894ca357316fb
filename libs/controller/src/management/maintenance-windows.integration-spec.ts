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
      active: true,
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
    expect((await create({ site_id: alpha.site.uuid, starts_at: iso(0), ends_at: iso(31 * DAY) })).status).toBe(201);
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
