import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

describe.each(testDatabaseKinds())('the sites API on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object, authorization = harness.admin) =>
    request(harness.app).post(path).set('Authorization', authorization).send(body);
  const patch = (path: string, body: object, authorization = harness.admin) =>
    request(harness.app).patch(path).set('Authorization', authorization).send(body);
  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);
  const del = (path: string, authorization = harness.admin) => request(harness.app).delete(path).set('Authorization', authorization);
  const fields = (response: request.Response): string[] =>
    (response.body.error.details.problems as Array<{ field: string }>).map((problem) => problem.field);

  it('creates a site with a slug derived from its name', async () => {
    const response = await post('/api/v1/sites', { name: 'Web Shop (EU)' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Web Shop (EU)',
      slug: 'web-shop-eu',
      status: 'unknown',
      public_status_page: false,
      last_checked_at: null,
      last_status_change_at: null,
      last_alert_sent_at: null,
      created_at: expect.any(String),
      archived_at: null,
      slo_target_pct: null,
      slo_window_days: 30,
    });
    expect(new Date(response.body.created_at).toISOString()).toBe(response.body.created_at);
  });

  it('takes a slug and a status page choice when given', async () => {
    const response = await post('/api/v1/sites', { name: 'Blog', slug: 'the-blog', public_status_page: true });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: 'Blog', slug: 'the-blog', public_status_page: true });
  });

  it('answers 409 when the slug, given or derived, is taken', async () => {
    await post('/api/v1/sites', { name: 'Taken', slug: 'taken' }).expect(201);
    const explicit = await post('/api/v1/sites', { name: 'Other', slug: 'taken' });
    expect(explicit.status).toBe(409);
    expect(explicit.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('"taken"') });
    const derived = await post('/api/v1/sites', { name: 'TAKEN' });
    expect(derived.status).toBe(409);
  });

  it('names the fields that are not valid', async () => {
    const response = await post('/api/v1/sites', { slug: 'Bad Slug', public_status_page: 'yes' });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('validation_failed');
    expect(fields(response)).toEqual(['name', 'slug', 'public_status_page']);
  });

  it('lists sites by name, page after page, and filters by slug', async () => {
    for (const name of ['Zulu', 'Alpha', 'Mike', 'Alpha']) {
      await post('/api/v1/sites', { name, slug: `list-${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}` }).expect(201);
    }
    const all = await get('/api/v1/sites?limit=500');
    const expected = (all.body.data as Array<{ id: string; name: string }>).map((site) => site.id);
    const listed = (all.body.data as Array<{ name: string; slug: string }>).filter((site) => site.slug.startsWith('list-'));
    expect(listed.map((site) => site.name)).toEqual(['Alpha', 'Alpha', 'Mike', 'Zulu']);
    expect(all.body.next_cursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(`/api/v1/sites?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.data as Array<{ id: string }>).map((site) => site.id));
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);

    const bySlug = await get('/api/v1/sites?slug=the-blog');
    expect(bySlug.body.data).toEqual([expect.objectContaining({ slug: 'the-blog', name: 'Blog' })]);
  });

  it('refuses a cursor it did not make', async () => {
    const response = await get('/api/v1/sites?cursor=bm9wZQ');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_cursor');
  });

  it('gets a site with its status projection and its checks that are not deleted', async () => {
    const site = (await post('/api/v1/sites', { name: 'With checks' })).body;
    await harness.db.prisma.site.update({
      where: { uuid: site.id },
      data: { status: 'down', lastCheckedAt: new Date('2026-11-23T10:00:00Z'), lastStatusChangeAt: new Date('2026-11-23T09:59:00Z') },
    });
    const kept = (await post('/api/v1/checks', { site_id: site.id, type: 'http', target: 'https://example.com', name: 'Home' })).body;
    const deleted = (await post('/api/v1/checks', { site_id: site.id, type: 'tcp', target: 'example.com:22' })).body;
    await del(`/api/v1/checks/${deleted.id}`).expect(204);

    const response = await get(`/api/v1/sites/${site.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: site.id,
      status: 'down',
      last_checked_at: '2026-11-23T10:00:00.000Z',
      last_status_change_at: '2026-11-23T09:59:00.000Z',
      last_alert_sent_at: null,
    });
    expect(response.body.checks).toEqual([
      { id: kept.id, type: 'http', target: 'https://example.com/', name: 'Home', enabled: true, status: 'unknown', interval_s: 60 },
    ]);
  });

  it('answers 404 naming the site for an unknown id, and 400 for an id that is not a uuid', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const response of [
      await get(`/api/v1/sites/${unknown}`),
      await patch(`/api/v1/sites/${unknown}`, { name: 'x' }),
      await del(`/api/v1/sites/${unknown}`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({ code: 'not_found', message: `No site with id ${unknown}` });
    }
    expect((await get('/api/v1/sites/not-a-uuid')).status).toBe(400);
  });

  it('changes a site’s name, slug and status page choice', async () => {
    const site = (await post('/api/v1/sites', { name: 'Before' })).body;
    const response = await patch(`/api/v1/sites/${site.id}`, { name: 'After', slug: 'after', public_status_page: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: site.id, name: 'After', slug: 'after', public_status_page: true });
    const unchanged = await patch(`/api/v1/sites/${site.id}`, {});
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ name: 'After', slug: 'after' });
    expect((await get(`/api/v1/sites/${site.id}`)).body).toMatchObject({ name: 'After', slug: 'after', public_status_page: true });
  });

  it('answers 409 when a change takes another site’s slug, and 422 naming a bad field', async () => {
    const site = (await post('/api/v1/sites', { name: 'Renamed' })).body;
    const conflict = await patch(`/api/v1/sites/${site.id}`, { slug: 'the-blog' });
    expect(conflict.status).toBe(409);
    const invalid = await patch(`/api/v1/sites/${site.id}`, { name: '', status: 'up' });
    expect(invalid.status).toBe(422);
    expect(fields(invalid)).toEqual(['name', '']);
  });

  it('purges an archived site (admin) with its endpoints, checks, location states, results and events', async () => {
    await harness.addRunner('site-delete-runner');
    const site = (await post('/api/v1/sites', { name: 'Doomed' })).body;
    const check = (await post('/api/v1/checks', { site_id: site.id, type: 'http', target: 'https://doomed.example' })).body;
    const { prisma } = harness.db;
    const row = await prisma.check.findUniqueOrThrow({ where: { uuid: check.id }, include: { endpoint: true } });
    await prisma.checkResult.create({
      data: { checkId: row.id, siteId: row.endpoint.siteId, runId: crypto.randomUUID(), location: 'site-delete-runner', ok: false, checkedAt: new Date() },
    });
    const event = await prisma.siteEvent.create({
      data: { siteId: row.endpoint.siteId, checkId: row.id, endpointId: row.endpointId, checkType: 'http', eventType: 'seems_down', severity: 'low', startedAt: new Date() },
    });
    await prisma.eventTransition.create({
      data: { eventId: event.id, siteId: row.endpoint.siteId, stateAfter: 'seems_down', severityAfter: 'low', reason: 'opened', source: 'system' },
    });

    expect((await del(`/api/v1/sites/${site.id}`)).status).toBe(204);
    expect((await del(`/api/v1/sites/${site.id}?purge=true`)).status).toBe(204);
    expect((await get(`/api/v1/sites/${site.id}`)).status).toBe(404);
    expect((await get(`/api/v1/checks/${check.id}`)).status).toBe(404);
    const siteId = row.endpoint.siteId;
    expect(await prisma.endpoint.count({ where: { siteId } })).toBe(0);
    expect(await prisma.check.count({ where: { id: row.id } })).toBe(0);
    expect(await prisma.locationState.count({ where: { checkId: row.id } })).toBe(0);
    expect(await prisma.checkResult.count({ where: { checkId: row.id } })).toBe(0);
    expect(await prisma.siteEvent.count({ where: { siteId } })).toBe(0);
    expect(await prisma.eventTransition.count({ where: { eventId: event.id } })).toBe(0);
  });

  it('takes a purged site out of the channels that name it, disabling a channel left with none', async () => {
    const one = (await post('/api/v1/sites', { name: 'Channel one' })).body;
    const two = (await post('/api/v1/sites', { name: 'Channel two' })).body;
    const webhook = { type: 'webhook', config: { url: 'https://hooks.example/vigil' } };
    const both = (await post('/api/v1/notification-channels', { ...webhook, name: 'both', site_ids: [one.id, two.id] })).body;
    const only = (await post('/api/v1/notification-channels', { ...webhook, name: 'only one', site_ids: [one.id] })).body;

    expect((await del(`/api/v1/sites/${one.id}`)).status).toBe(204);
    // Archiving keeps the site in its channels, so that restoring it needs nothing else.
    expect((await get(`/api/v1/notification-channels/${only.id}`)).body).toMatchObject({ site_ids: [one.id], enabled: true });
    expect((await del(`/api/v1/sites/${one.id}?purge=true`)).status).toBe(204);

    expect((await get(`/api/v1/notification-channels/${both.id}`)).body).toMatchObject({ site_ids: [two.id], enabled: true });
    expect((await get(`/api/v1/notification-channels/${only.id}`)).body).toMatchObject({ site_ids: [], enabled: false });
  });

  it('lets a read key list and get sites but not create, change or delete them', async () => {
    const reader = await harness.keyWith(['read']);
    const site = (await post('/api/v1/sites', { name: 'Read only' })).body;
    expect((await get('/api/v1/sites', reader)).status).toBe(200);
    expect((await get(`/api/v1/sites/${site.id}`, reader)).status).toBe(200);
    for (const response of [
      await post('/api/v1/sites', { name: 'Nope' }, reader),
      await patch(`/api/v1/sites/${site.id}`, { name: 'Nope' }, reader),
      await del(`/api/v1/sites/${site.id}`, reader),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
    const writer = await harness.keyWith(['write']);
    expect((await patch(`/api/v1/sites/${site.id}`, { name: 'Written' }, writer)).status).toBe(200);
  });

  it('answers 401 without a key', async () => {
    expect((await request(harness.app).get('/api/v1/sites')).status).toBe(401);
    expect((await request(harness.app).post('/api/v1/sites').send({ name: 'x' })).status).toBe(401);
  });
});
