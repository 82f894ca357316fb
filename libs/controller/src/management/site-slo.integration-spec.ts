import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

const MIN = 60_000;

describe.each(testDatabaseKinds())('SLO targets and the site SLO API on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const patch = (path: string, body: object) => request(harness.app).patch(path).set('Authorization', harness.admin).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', harness.admin);

  it('takes a target and a window on create and update, and returns them', async () => {
    const created = await post('/api/v1/sites', { name: 'SLO shop', slo_target_pct: 99.9 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slo_target_pct: 99.9, slo_window_days: 30 });
    const changed = await patch(`/api/v1/sites/${created.body.id}`, { slo_target_pct: 99.5, slo_window_days: 7 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ slo_target_pct: 99.5, slo_window_days: 7 });
    const removed = await patch(`/api/v1/sites/${created.body.id}`, { slo_target_pct: null });
    expect(removed.body).toMatchObject({ slo_target_pct: null, slo_window_days: 7 });
  });

  it('refuses a target outside (0, 100) and a window outside 1..365 whole days, with a message', async () => {
    const site = (await post('/api/v1/sites', { name: 'Strict' })).body;
    for (const [body, message] of [
      [{ slo_target_pct: 100 }, 'strictly between 0 and 100'],
      [{ slo_target_pct: 0 }, 'strictly between 0 and 100'],
      [{ slo_target_pct: '99.9' }, 'slo_target_pct'],
      [{ slo_window_days: 0 }, 'from 1 to 365 days'],
      [{ slo_window_days: 400 }, 'from 1 to 365 days'],
      [{ slo_window_days: 7.5 }, 'slo_window_days'],
    ] as const) {
      const response = await patch(`/api/v1/sites/${site.id}`, body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(JSON.stringify(response.body.error)).toContain(message);
    }
    expect((await post('/api/v1/sites', { name: 'Bad', slo_target_pct: 101 })).status).toBeGreaterThanOrEqual(400);
    expect((await get(`/api/v1/sites/${site.id}`)).body).toMatchObject({ slo_target_pct: null, slo_window_days: 30 });
  });

  it('reports availability, budget, burn rates and the open alert of a site', async () => {
    const { prisma } = harness.db;
    const created = (await post('/api/v1/sites', { name: 'Burning', slo_target_pct: 99.9 })).body;
    const site = await prisma.site.update({ where: { uuid: created.id }, data: { status: 'up', lastStatusChangeAt: new Date(Date.now() - 40 * 1440 * MIN) } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://burning.example/' } });
    const check = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', createdAt: new Date(Date.now() - 40 * 1440 * MIN) } });
    const now = Date.now();
    await prisma.siteEvent.create({
      data: { siteId: site.id, checkId: check.id, checkType: 'http', eventType: 'down', severity: 'high', startedAt: new Date(now - 20 * MIN), endedAt: new Date(now - 10 * MIN), resolutionReason: 'recovered' },
    });
    const alert = await prisma.siteEvent.create({ data: { siteId: site.id, eventType: 'slo_burn', severity: 'elevated', startedAt: new Date(now - 15 * MIN) } });

    const response = await get(`/api/v1/sites/${created.id}/slo`);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ site: created.id, target_pct: 99.9, window_days: 30, excluded_s: 0, down_s: 600, alert: { id: alert.uuid, severity: 'elevated' } });
    expect(body.availability).toBeCloseTo(1 - 600 / (30 * 86_400), 9);
    expect(body.budget.total_minutes).toBeCloseTo(43.2, 3);
    expect(body.budget.consumed_minutes).toBeCloseTo(10, 6);
    expect(body.budget.remaining_fraction).toBeCloseTo(1 - 10 / 43.2, 3);
    expect(body.burn_rates['5m']).toBe(0);
    expect(body.burn_rates['1h']).toBeCloseTo(10 / 60 / 0.001, 1);
    expect(Object.keys(body.burn_rates)).toEqual(['5m', '30m', '1h', '6h', '3d']);
    expect(body.alert_rules.map((r: { name: string; long_window_s: number; short_window_s: number }) => [r.name, r.long_window_s, r.short_window_s])).toEqual([
      ['fast', 3600, 300],
      ['slow', 21600, 1800],
    ]);
    // The open alert holds while the 30-minute window still burns above 6 (hysteresis).
    expect(body.burning).toBe(true);
  });

  it('gives availability alone for a site without a target, and 404 for an unknown one', async () => {
    const created = (await post('/api/v1/sites', { name: 'No objective' })).body;
    const response = await get(`/api/v1/sites/${created.id}/slo`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ target_pct: null, budget: null, burn_rates: null, alert_rules: [], burning: false, alert: null });
    expect((await get('/api/v1/sites/00000000-0000-4000-8000-000000000000/slo')).status).toBe(404);
    expect((await request(harness.app).get(`/api/v1/sites/${created.id}/slo`)).status).toBe(401);
  });
});
