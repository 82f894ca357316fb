import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { leaseDueRuns } from '../scheduling/lease';
import { createControllerHarness, type ControllerHarness } from '../testing';

// Issue 12: a write key could erase a site's history with DELETE. Deleting now archives.
describe.each(testDatabaseKinds())('archiving, restoring and purging sites on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write'], 'site writer');
  });
  afterAll(() => harness.dispose());

  const send = (method: 'post' | 'patch' | 'delete', path: string, body?: object, authorization = writer) => {
    const call = request(harness.app)[method](path).set('Authorization', authorization);
    return body === undefined ? call : call.send(body);
  };
  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);

  let runnerCount = 0;
  /** A site with an http check at a fresh runner, a result and an event with its transition. */
  async function siteWithHistory(name: string) {
    const runner = await harness.addRunner(`archive-${++runnerCount}`);
    const site = (await send('post', '/api/v1/sites', { name, public_status_page: true })).body;
    const check = (await send('post', '/api/v1/checks', { site_id: site.id, type: 'http', target: `http://127.0.0.1:9/${name}`, locations: [runner.slug] })).body;
    const { prisma } = harness.db;
    const row = await prisma.check.findUniqueOrThrow({ where: { uuid: check.id }, include: { endpoint: true } });
    const siteId = row.endpoint.siteId;
    await prisma.checkResult.create({ data: { checkId: row.id, siteId, runId: crypto.randomUUID(), location: runner.slug, ok: false, checkedAt: new Date() } });
    const event = await prisma.siteEvent.create({
      data: { siteId, checkId: row.id, endpointId: row.endpointId, checkType: 'http', eventType: 'seems_down', severity: 'low', startedAt: new Date() },
    });
    await prisma.eventTransition.create({ data: { eventId: event.id, siteId, stateAfter: 'seems_down', severityAfter: 'low', reason: 'opened', source: 'system' } });
    return { runner, site, check, event, siteId, checkId: row.id };
  }

  it('archives on a write key’s DELETE: hidden from lists, checks not leased, events still readable by id', async () => {
    const { runner, site, check, event, siteId, checkId } = await siteWithHistory('archived-shop');

    expect((await send('delete', `/api/v1/sites/${site.id}`)).status).toBe(204);

    const listed = (await get('/api/v1/sites?limit=500')).body.data.map((s: { id: string }) => s.id);
    expect(listed).not.toContain(site.id);
    const archivedList = (await get('/api/v1/sites?archived=true&limit=500')).body.data;
    expect(archivedList.map((s: { id: string }) => s.id)).toContain(site.id);
    expect((await get(`/api/v1/sites/${site.id}`)).body).toMatchObject({ id: site.id, archived_at: expect.any(String) });
    const checks = (await get('/api/v1/checks?limit=500')).body.data.map((c: { id: string }) => c.id);
    expect(checks).not.toContain(check.id);

    // History stays: the event with its transition, by id, and the rows behind them.
    const shown = await get(`/api/v1/events/${event.uuid}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id: event.uuid, site_id: site.id });
    expect(shown.body.transitions).toHaveLength(1);
    expect(await harness.db.prisma.checkResult.count({ where: { checkId } })).toBe(1);
    expect(await harness.db.prisma.siteEvent.count({ where: { siteId } })).toBe(1);

    // Its check is not leased, even once due again (a state added by a new runner would be).
    await harness.db.prisma.locationState.updateMany({ where: { checkId }, data: { nextDueAt: new Date(Date.now() - 1000) } });
    expect(await leaseDueRuns(harness.db, runner.slug, 100)).toEqual([]);

    // Its public page is gone.
    expect((await request(harness.app).get(`/status/${site.slug}`)).status).toBe(404);
    expect((await request(harness.app).get(`/api/v1/public/status/${site.slug}`)).status).toBe(404);
  });

  it('answers 409 site_archived to changes of an archived site or its checks, and slug_archived to its slug', async () => {
    const { site, check } = await siteWithHistory('frozen');
    await send('delete', `/api/v1/sites/${site.id}`).expect(204);
    const refused = [
      await send('patch', `/api/v1/sites/${site.id}`, { name: 'Thawed' }),
      await send('patch', `/api/v1/checks/${check.id}`, { interval_s: 120 }),
      await send('delete', `/api/v1/checks/${check.id}`),
      await send('post', '/api/v1/checks', { site_id: site.id, type: 'tcp', target: '127.0.0.1:9' }),
      await send('post', '/api/v1/maintenance-windows', {
        site_id: site.id,
        starts_at: new Date().toISOString(),
        ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('site_archived');
    }
    const again = await send('post', '/api/v1/sites', { name: 'Frozen again', slug: site.slug });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'slug_archived', details: { field: 'slug' } });
    // Archiving twice changes nothing.
    expect((await send('delete', `/api/v1/sites/${site.id}`)).status).toBe(204);
  });

  it('restores an archived site: listed again, its checks due and leased again', async () => {
    const { runner, site, checkId } = await siteWithHistory('back-again');
    await send('delete', `/api/v1/sites/${site.id}`).expect(204);
    const restored = await send('post', `/api/v1/sites/${site.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: site.id, archived_at: null });
    expect((await get('/api/v1/sites?limit=500')).body.data.map((s: { id: string }) => s.id)).toContain(site.id);
    const runs = await leaseDueRuns(harness.db, runner.slug, 100);
    expect(runs.map((run) => run.checkUuid)).toHaveLength(1);
    expect(await harness.db.prisma.locationState.count({ where: { checkId, location: runner.slug } })).toBe(1);
    expect((await send('patch', `/api/v1/sites/${site.id}`, { name: 'Back' })).status).toBe(200);
    expect((await send('post', `/api/v1/sites/${crypto.randomUUID()}/restore`)).status).toBe(404);
  });

  it('keeps a runner added while the site is archived out of its checks until it is restored', async () => {
    const site = (await send('post', '/api/v1/sites', { name: 'everywhere' })).body;
    const check = (await send('post', '/api/v1/checks', { site_id: site.id, type: 'tcp', target: '127.0.0.1:9' })).body;
    const checkId = (await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: check.id } })).id;
    await send('delete', `/api/v1/sites/${site.id}`).expect(204);

    const created = await send('post', '/api/v1/runners', { slug: 'late-runner' }, harness.admin);
    expect(created.status).toBe(201);
    expect(await harness.db.prisma.locationState.count({ where: { checkId, location: 'late-runner' } })).toBe(0);

    await send('post', `/api/v1/sites/${site.id}/restore`).expect(200);
    expect(await harness.db.prisma.locationState.count({ where: { checkId, location: 'late-runner' } })).toBe(1);
    expect((await leaseDueRuns(harness.db, 'late-runner', 100)).map((run) => run.checkUuid)).toContain(check.id);
  });

  it('purges only with an admin key, and only an archived site', async () => {
    const { site, siteId, event } = await siteWithHistory('purge-me');

    const early = await send('delete', `/api/v1/sites/${site.id}?purge=true`, undefined, harness.admin);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('site_not_archived');

    await send('delete', `/api/v1/sites/${site.id}`).expect(204);
    const byWriter = await send('delete', `/api/v1/sites/${site.id}?purge=true`);
    expect(byWriter.status).toBe(403);
    expect(byWriter.body.error.code).toBe('forbidden');
    expect(await harness.db.prisma.siteEvent.count({ where: { siteId } })).toBe(1);

    expect((await send('delete', `/api/v1/sites/${site.id}?purge=true`, undefined, harness.admin)).status).toBe(204);
    expect((await get(`/api/v1/sites/${site.id}`)).status).toBe(404);
    expect((await get(`/api/v1/events/${event.uuid}`)).status).toBe(404);
    expect(await harness.db.prisma.siteEvent.count({ where: { siteId } })).toBe(0);
    // The slug is free again.
    expect((await send('post', '/api/v1/sites', { name: 'Purge me', slug: site.slug })).status).toBe(201);
    expect((await send('delete', `/api/v1/sites/${crypto.randomUUID()}?purge=true`, undefined, harness.admin)).status).toBe(404);
  });
});
