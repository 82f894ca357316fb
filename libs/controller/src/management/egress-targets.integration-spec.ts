import { createEgressGuard, DEFAULT_EGRESS_POLICY } from '@vigil/egress';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

// Issue 12: a write key made @controller probe the metadata service and the control plane's own
// loopback services. With the controller's default policy, such literal targets are refused.
describe.each(testDatabaseKinds())('egress policy at create and update on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { egress: createEgressGuard(DEFAULT_EGRESS_POLICY) });
    await harness.addRunner('eu-1');
    siteId = (await post('/api/v1/sites', { name: 'Egress' })).body.id;
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const patch = (path: string, body: object) => request(harness.app).patch(path).set('Authorization', harness.admin).send(body);
  const problems = (response: request.Response): Array<{ field: string; message: string }> => response.body.error.details.problems;
  const check = (body: object) => post('/api/v1/checks', { site_id: siteId, type: 'http', locations: ['@controller'], ...body });

  it('refuses an @controller http check on the metadata address with 422 naming the rule', async () => {
    const response = await check({ target: 'http://169.254.169.254/latest/meta-data/' });
    expect(response.status).toBe(422);
    expect(problems(response)).toEqual([
      { field: 'target', message: 'egress to 169.254.169.254 is denied by the egress policy (rule always:metadata)' },
    ]);
    expect(await harness.db.prisma.check.count()).toBe(0);
  });

  it('refuses tcp and tls_cert checks on loopback (a port scan of the control plane) and a dns check on a denied resolver', async () => {
    const tcp = await check({ type: 'tcp', target: '127.0.0.1:5432' });
    expect(tcp.status).toBe(422);
    expect(problems(tcp)[0].message).toContain('rule default:loopback');
    expect((await check({ type: 'tls_cert', target: 'https://[::1]:8443/' })).status).toBe(422);
    expect((await check({ type: 'tcp', target: 'localhost:6379' })).status).toBe(422);
    const dns = await check({ type: 'dns', target: 'example.com', spec: { resolver: '169.254.169.253' } });
    expect(dns.status).toBe(422);
    expect(problems(dns)[0].field).toBe('spec.resolver');
  });

  it('leaves names to the connect-time check and runner-only checks to the runner', async () => {
    expect((await check({ target: 'http://internal.example.com/' })).status).toBe(201);
    expect((await check({ target: 'http://10.0.0.1/' })).status).toBe(201);
    expect((await check({ type: 'tcp', target: '127.0.0.1:5432', locations: ['eu-1'] })).status).toBe(201);
  });

  it('refuses a change that points a check at a denied address or moves a loopback check onto @controller', async () => {
    const created = await check({ target: 'http://10.0.0.2/' });
    expect((await patch(`/api/v1/checks/${created.body.id}`, { target: 'http://[::ffff:169.254.169.254]/' })).status).toBe(422);
    expect((await patch(`/api/v1/checks/${created.body.id}`, { name: 'still fine' })).status).toBe(200);
    const remote = await check({ type: 'tcp', target: '127.0.0.1:6379', locations: ['eu-1'] });
    const moved = await patch(`/api/v1/checks/${remote.body.id}`, { locations: ['eu-1', '@controller'] });
    expect(moved.status).toBe(422);
    expect(problems(moved)[0].message).toContain('default:loopback');
  });

  it('refuses a webhook, Slack or SMTP destination on a denied literal, at creation and on change', async () => {
    const webhook = await post('/api/v1/notification-channels', { name: 'internal', type: 'webhook', config: { url: 'http://127.0.0.1:6379/' } });
    expect(webhook.status).toBe(422);
    expect(problems(webhook)).toEqual([{ field: 'config.url', message: 'egress to 127.0.0.1 is denied by the egress policy (rule default:loopback); VIGIL_EGRESS_ALLOW=loopback on the controller allows it' }]);
    const email = await post('/api/v1/notification-channels', {
      name: 'mail',
      type: 'email',
      config: { to: ['ops@example.com'], smtp: { host: '169.254.169.254', port: 25, secure: false } },
    });
    expect(email.status).toBe(422);
    expect(problems(email)[0].field).toBe('config.smtp.host');

    const fine = await post('/api/v1/notification-channels', { name: 'hook', type: 'webhook', config: { url: 'https://hooks.example.com/x' } });
    expect(fine.status).toBe(201);
    const changed = await patch(`/api/v1/notification-channels/${fine.body.id}`, { config: { url: 'http://[::1]:9000/' } });
    expect(changed.status).toBe(422);
    expect(problems(changed)[0].message).toContain('default:loopback');
  });
});
