import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownLocationLink } from '@vigil/controller';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { type RunnerAgent, startOwnLocation } from '@vigil/runner-agent';
import request from 'supertest';
import { loopbackEgress } from '@vigil/egress/testing';

describe.each(testDatabaseKinds())('the @controller location on %s', (kind) => {
  let harness: ControllerHarness;
  let target: Server;
  let targetUrl: string;
  const seen: IncomingHttpHeaders[] = [];
  let agent: RunnerAgent | undefined;

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    await harness.addRunner('eu-1');
    target = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(req.url === '/broken' ? 503 : 200).end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await agent?.stop(1000);
    await new Promise((resolve) => target.close(resolve));
    await harness.dispose();
  });

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);

  it('probes the checks that list it, with the runners probes, and stores results as a runner report would', async () => {
    const site = (await post('/api/v1/sites', { name: 'Built-in' })).body as { id: string };
    const create = async (path: string, locations: string[]) => {
      const response = await post('/api/v1/checks', { site_id: site.id, type: 'http', target: `${targetUrl}${path}`, locations });
      expect(response.status).toBe(201);
      return (response.body as { id: string }).id;
    };
    const healthy = await create('/healthy', ['@controller']);
    const broken = await create('/broken', ['@controller', 'eu-1']);
    const elsewhere = await create('/elsewhere', ['eu-1']);

    agent = startOwnLocation({
      link: ownLocationLink({ db: harness.db, metrics: harness.metrics, secretKeys: harness.secretKeys }),
      logger: harness.log.logger,
      metrics: harness.metrics,
      concurrency: 5,
      egress: loopbackEgress(),
    });
    const results = () =>
      harness.db.prisma.checkResult.findMany({ include: { check: { select: { uuid: true } } }, orderBy: { id: 'asc' } });
    const deadline = Date.now() + 20_000;
    while ((await results()).length < 2 && Date.now() < deadline) await sleep(50);
    await sleep(200);

    // A check's next slot may come round within the test, so a check may have run more than once.
    const stored = await results();
    const distinct = new Set(stored.map((row) => JSON.stringify([row.check.uuid, row.location, row.ok, row.statusCode])));
    expect([...distinct].sort()).toEqual(
      [JSON.stringify([healthy, '@controller', true, 200]), JSON.stringify([broken, '@controller', false, 503])].sort(),
    );
    expect(stored.some((row) => row.check.uuid === elsewhere)).toBe(false);
    expect(stored.find((row) => row.check.uuid === broken)?.errorCode).toBe('ASSERTION_FAILED');
    expect(seen.length).toBe(stored.length);
    for (const headers of seen) expect(headers['user-agent']).toMatch(/^Vigil\/\d+\.\d+\.\d+ \(\+runner @controller\)$/);
    // Counted like a runner's report: the same lease and ingest path.
    const metrics = await harness.metrics.metrics();
    expect(metrics).toContain(`vigil_results_ingested_total{outcome="accepted",service="controller-api"} ${stored.length}`);
    expect(metrics).toContain(`vigil_runner_runs_finished_total{type="http",outcome="failed",service="controller-api"}`);
  });
});
