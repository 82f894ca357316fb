import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownLocationLink } from '@vigil/controller';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { createEgressGuard, DEFAULT_EGRESS_POLICY, type EgressGuard } from '@vigil/egress';
import { fakeResolver, loopbackEgress } from '@vigil/egress/testing';
import { type RunnerAgent, startOwnLocation } from '@vigil/runner-agent';
import request from 'supertest';

// Issue 12, first finding, end to end: a write key points @controller at an internal service (a
// metadata stand-in on loopback, reached through a name) with a JSON assertion, and a read key
// reads the result. Before: the whole answer in `error` and `details.assertion.actual`.
const CREDENTIALS = JSON.stringify({ Code: 'Success', AccessKeyId: 'ASIAEXAMPLEEXAMPLE', SecretAccessKey: 'S'.repeat(40), Token: 'T'.repeat(600) });
const resolver = fakeResolver({ 'metadata.internal.test': '127.0.0.1' });

describe.each(testDatabaseKinds())('the @controller location under the egress policy on %s', (kind) => {
  let target: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    target = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(CREDENTIALS);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => target.close(resolve)));

  async function probeOnce(egress: EgressGuard): Promise<{ status: number; body: { data: Array<Record<string, unknown>> }; text: string }> {
    const harness: ControllerHarness = await createControllerHarness(kind, { egress });
    let agent: RunnerAgent | undefined;
    try {
      const admin = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
      const site = (await admin('/api/v1/sites', { name: 'Internal' })).body as { id: string };
      const created = await admin('/api/v1/checks', {
        site_id: site.id,
        type: 'http',
        target: `http://metadata.internal.test:${port}/latest/meta-data/iam/security-credentials/role`,
        locations: ['@controller'],
        // `$` quotes the whole document as the actual value: what used to come back whole.
        spec: { json_assertions: [{ path: '$', op: 'equals', value: 'the role' }] },
      });
      expect(created.status).toBe(201);
      agent = startOwnLocation({ link: ownLocationLink({ db: harness.db, metrics: harness.metrics, secretKeys: harness.secretKeys }), logger: harness.log.logger, metrics: harness.metrics, concurrency: 2, egress });
      const deadline = Date.now() + 20_000;
      while ((await harness.db.prisma.checkResult.count()) === 0 && Date.now() < deadline) await sleep(50);
      const reader = await harness.keyWith(['read']);
      const response = await request(harness.app).get(`/api/v1/checks/${created.body.id}/results`).set('Authorization', reader);
      return { status: response.status, body: response.body, text: response.text };
    } finally {
      await agent?.stop(1000);
      await harness.dispose();
    }
  }

  it('refuses to connect with the default policy: the result says EGRESS_DENIED and the service saw nothing', async () => {
    requests = 0;
    const { status, body, text } = await probeOnce(createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver }));
    expect(status).toBe(200);
    expect(body.data[0]).toMatchObject({ location: '@controller', ok: false, error_code: 'EGRESS_DENIED', status_code: null });
    expect(String(body.data[0]['error'])).toContain('default:loopback');
    expect(text).not.toContain('ASIAEXAMPLE');
    expect(requests).toBe(0);
  });

  it('keeps only a 64-character excerpt when the policy allows the address', async () => {
    requests = 0;
    const { body, text } = await probeOnce(loopbackEgress({ resolver }));
    expect(body.data[0]).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', status_code: 200 });
    const actual = (body.data[0]['details'] as { assertion: { actual: unknown } }).assertion.actual;
    expect(typeof actual).toBe('string');
    expect((actual as string).length).toBeLessThanOrEqual(64);
    expect(actual).toMatch(/^\{"Code":"Success"/);
    expect(text).not.toContain('S'.repeat(40));
    expect(text).not.toContain('T'.repeat(64));
    expect(requests).toBeGreaterThan(0);
  });
});
