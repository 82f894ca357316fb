import { testDatabaseKinds } from '@vigil/db/testing';
import { createEgressGuard, DEFAULT_EGRESS_POLICY } from '@vigil/egress';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

// Issue 17: icmp checks through the API. PostgreSQL too: the type is a value added to the
// check_type enum by a migration, which PGlite and PostgreSQL must both store and filter on.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('icmp checks through the API on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { egress: createEgressGuard(DEFAULT_EGRESS_POLICY) });
    await harness.addRunner('eu-1');
    siteId = (await post('/api/v1/sites', { name: 'Pinged' })).body.id;
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const patch = (path: string, body: object) => request(harness.app).patch(path).set('Authorization', harness.admin).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', harness.admin);
  const problems = (response: request.Response): Array<{ field: string; message: string }> => response.body.error.details.problems;
  const check = (body: object) => post('/api/v1/checks', { site_id: siteId, type: 'icmp', locations: ['eu-1'], ...body });

  it('creates an icmp check on a host with its spec defaults, and reads it back', async () => {
    const created = await check({ target: '[2001:DB8::7]' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'icmp', target: '2001:db8::7', spec: { count: 3, interval_ms: 1000, max_loss_percent: 0 } });
    expect(Object.keys(created.body.spec).sort()).toEqual(['count', 'interval_ms', 'max_loss_percent']);
    const stored = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: created.body.id }, include: { endpoint: true } });
    expect(stored).toMatchObject({ type: 'icmp', endpoint: { target: '2001:db8::7' } });
    expect((await get(`/api/v1/checks/${created.body.id}`)).body).toEqual(created.body);
  });

  it('stores count, loss and rtt thresholds, and lists icmp checks by type', async () => {
    const created = await check({ target: 'Router.Example.com', spec: { count: 5, interval_ms: 500, max_loss_percent: 20, degraded_rtt_ms: 80 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ target: 'router.example.com', spec: { count: 5, interval_ms: 500, max_loss_percent: 20, degraded_rtt_ms: 80 } });
    await post('/api/v1/checks', { site_id: siteId, type: 'dns', target: 'router.example.com' });
    const listed = await get(`/api/v1/checks?site_id=${siteId}&type=icmp`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.length).toBeGreaterThanOrEqual(1);
    expect(listed.body.data.every((item: { type: string }) => item.type === 'icmp')).toBe(true);
  });

  it('refuses a target that is not a host and a spec out of range, naming the fields', async () => {
    const response = await check({ target: 'router.example.com:22', spec: { count: 0, max_loss_percent: 100, ttl: 3 } });
    expect(response.status).toBe(422);
    expect(problems(response).map((problem) => problem.field)).toEqual(['target', 'spec.count', 'spec.max_loss_percent', 'spec.ttl']);
  });

  it('needs the packets to fit in the timeout, at creation and on a change of either', async () => {
    const tooMany = await check({ target: '192.0.2.1', timeout_ms: 3000, spec: { count: 10 } });
    expect(tooMany.status).toBe(422);
    expect(problems(tooMany)).toEqual([
      { field: 'spec.count', message: 'needs 9500 ms ((count - 1) × interval_ms + 500 for the last reply): more than timeout_ms (3000)' },
    ]);
    const created = await check({ target: '192.0.2.2', timeout_ms: 3000 });
    expect(created.status).toBe(201);
    const shorter = await patch(`/api/v1/checks/${created.body.id}`, { timeout_ms: 2000 });
    expect(shorter.status).toBe(422);
    expect(problems(shorter)[0].field).toBe('spec.count');
    const more = await patch(`/api/v1/checks/${created.body.id}`, { spec: { count: 4 } });
    expect(more.status).toBe(422);
    const both = await patch(`/api/v1/checks/${created.body.id}`, { timeout_ms: 5000, spec: { count: 4, degraded_rtt_ms: 40 } });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ timeout_ms: 5000, spec: { count: 4, interval_ms: 1000, max_loss_percent: 0, degraded_rtt_ms: 40 } });
  });

  it('refuses an @controller icmp check on loopback under the default policy, and leaves runners to their own', async () => {
    const refused = await check({ target: '::1', locations: ['@controller'] });
    expect(refused.status).toBe(422);
    expect(problems(refused)[0]).toMatchObject({ field: 'target', message: expect.stringContaining('rule default:loopback') });
    expect((await check({ target: '127.0.0.1', locations: ['eu-1'] })).status).toBe(201);
  });

  it('describes the icmp spec in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).body;
    const text = JSON.stringify(document);
    expect(text).toContain('"icmp"');
    expect(text).toContain('max_loss_percent');
    expect(text).toContain('degraded_rtt_ms');
  });
});
