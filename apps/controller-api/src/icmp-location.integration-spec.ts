import { setTimeout as sleep } from 'node:timers/promises';
import { ownLocationLink } from '@vigil/controller';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { loopbackEgress } from '@vigil/egress/testing';
import { type RunnerAgent, startOwnLocation } from '@vigil/runner-agent';
import request from 'supertest';

// Issue 17: an icmp check run by the @controller location pings loopback with the system's ping,
// and its result keeps the counts and rtt measures (what the degraded rule will read) as stored
// details, readable through the results API. PostgreSQL too: details are jsonb there.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('an icmp check at the @controller location on %s', (kind) => {
  let harness: ControllerHarness;
  let agent: RunnerAgent | undefined;

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });

  afterAll(async () => {
    await agent?.stop(1000);
    await harness.dispose();
  });

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', harness.admin);

  it('pings 127.0.0.1 and ::1 and stores the loss and rtt of each run', async () => {
    const site = (await post('/api/v1/sites', { name: 'Pinged here' })).body as { id: string };
    const ids: Record<string, string> = {};
    for (const target of ['127.0.0.1', '::1']) {
      const response = await post('/api/v1/checks', {
        site_id: site.id,
        type: 'icmp',
        target,
        locations: ['@controller'],
        timeout_ms: 3000,
        spec: { count: 2, interval_ms: 200, degraded_rtt_ms: 0.1 },
      });
      expect(response.status).toBe(201);
      ids[target] = (response.body as { id: string }).id;
    }

    agent = startOwnLocation({
      link: ownLocationLink({ db: harness.db, metrics: harness.metrics, secretKeys: harness.secretKeys }),
      logger: harness.log.logger,
      metrics: harness.metrics,
      concurrency: 2,
      egress: loopbackEgress(),
    });
    const deadline = Date.now() + 20_000;
    while ((await harness.db.prisma.checkResult.count()) < 2 && Date.now() < deadline) await sleep(50);

    for (const [target, id] of Object.entries(ids)) {
      const results = await get(`/api/v1/checks/${id}/results`);
      expect(results.status).toBe(200);
      const [newest] = results.body.data as Array<{ ok: boolean; error_code: string | null; details: Record<string, number> }>;
      // An rtt over degraded_rtt_ms is a measure for the degraded state, never a failure.
      expect(newest).toMatchObject({ ok: true, error_code: null, details: { address: target, transmitted: 2, received: 2, loss_percent: 0 } });
      for (const measure of ['rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms', 'rtt_mdev_ms']) expect(newest.details[measure]).toBeGreaterThanOrEqual(0);
    }
    const metrics = await harness.metrics.metrics();
    expect(metrics).toMatch(/vigil_runner_runs_finished_total\{type="icmp",outcome="ok",service="controller-api"\} [1-9]/);
  });
});
