import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopbackEgress } from '@vigil/egress/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import type { ProbeResult, ProbeRun } from '@vigil/probes';
import { until } from '@vigil/testing';
import { Registry } from 'prom-client';
import { type RunnerAgent, startRunnerAgent } from '../agent';
import { createBackoff } from '../backoff';
import { createMemorySpool } from '../spool';
import { FakeController } from '../testing';
import { type ConnectivityMonitor, controllerCanary, startConnectivityMonitor, targetCanary } from './canaries';

/** A canary endpoint on loopback that can go away. */
async function canaryServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => response.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The probe of checks: `down.test` targets fail, others pass; the canaries use the real probes. */
const checkProbe = async (run: ProbeRun): Promise<ProbeResult> =>
  run.target.includes('down.test') ? { ok: false, error_code: 'ECONNREFUSED', error: 'connection refused' } : { ok: true, status_code: 200, latency_ms: 1 };

describe("the runner's canaries", () => {
  const log = createCapturedLogger({ level: 'debug' });
  let monitor: ConnectivityMonitor | undefined;
  let agent: RunnerAgent | undefined;

  afterEach(async () => {
    await agent?.stop(1000);
    await monitor?.stop();
    agent = undefined;
    monitor = undefined;
  });

  it('turns the runner impaired when its canary goes away, and reports its failures inconclusive but its passes ok', async () => {
    const log = createCapturedLogger({ level: 'debug' });
    const canary = await canaryServer();
    const metrics = new Registry();
    const controller = new FakeController();
    monitor = startConnectivityMonitor({
      canaries: [targetCanary({ type: 'http', target: canary.url }, { userAgent: 'Vigil/test', egress: loopbackEgress() })],
      intervalMs: 50,
      confirmDelayMs: 20,
      logger: log.logger,
      metrics,
    });
    const current = monitor;
    agent = startRunnerAgent({
      link: controller,
      spool: createMemorySpool({ maxResults: 100, logger: log.logger }),
      logger: log.logger,
      metrics,
      userAgent: 'Vigil/test (+runner t-1)',
      egress: loopbackEgress(),
      pollMode: 'periodic',
      pollIntervalMs: 20,
      concurrency: 4,
      reportDelayMs: 10,
      pollBackoff: createBackoff({ initialMs: 20, maxMs: 50 }),
      connectivity: () => current.connectivity,
      probe: checkProbe,
    });

    await until(async () => (await metrics.metrics()).includes(`vigil_runner_canary_probes_total{canary="${canary.url}",outcome="ok"} 2`), 'two passed canary rounds');
    const [before] = controller.lease(1, { target: 'http://down.test/' });
    await until(() => controller.stored.size === 1, 'the first failure stored');
    expect(controller.stored.get(`${before.check_id}/${before.run_id}`)).toMatchObject({ ok: false, error_code: 'ECONNREFUSED' });
    expect(controller.stored.get(`${before.check_id}/${before.run_id}`)).not.toHaveProperty('inconclusive');

    await canary.close();
    await until(() => current.connectivity === 'impaired', 'the runner to doubt its network');
    expect(log.lines().filter((line) => line.includes('network is in doubt'))).toHaveLength(1);
    expect(await metrics.metrics()).toContain('vigil_runner_connectivity 0');

    const [failing] = controller.lease(1, { target: 'http://down.test/' });
    const [passing] = controller.lease(1, { target: 'http://up.test/' });
    await until(() => controller.stored.size === 3, 'both results stored');
    expect(controller.stored.get(`${failing.check_id}/${failing.run_id}`)).toMatchObject({ ok: false, inconclusive: true, error_code: 'ECONNREFUSED' });
    const passed = controller.stored.get(`${passing.check_id}/${passing.run_id}`);
    expect(passed).toMatchObject({ ok: true });
    expect(passed).not.toHaveProperty('inconclusive');
    expect(await metrics.metrics()).toContain('vigil_runner_runs_finished_total{type="http",outcome="inconclusive"} 1');
  });

  it('stays ok through one failed round, and recovers only after three passed ones', async () => {
    const answers = [true, false, true, false, false, true, true, true];
    let round = 0;
    const metrics = new Registry();
    const log = createCapturedLogger({ level: 'debug' });
    monitor = startConnectivityMonitor({
      canaries: [{ name: 'scripted', role: 'target', probe: async () => ({ ok: answers[Math.min(round++, answers.length - 1)] ?? true }) }],
      intervalMs: 10,
      confirmDelayMs: 10,
      logger: log.logger,
      metrics,
    });
    const current = monitor;
    await until(() => round > answers.length, 'every scripted round');
    expect(current.connectivity).toBe('ok');
    // One line per change: doubted once (after the 4th and 5th rounds), trusted again once.
    const changes = log.lines().filter((line) => line.includes('in doubt') || line.includes('answer again'));
    expect(changes).toHaveLength(2);
    expect(changes[0]).toContain('in doubt');
    expect(changes[1]).toContain('answer again');
  });

  it('counts the controller as the only canary when no target is set, through its ping', async () => {
    let reachable = true;
    monitor = startConnectivityMonitor({
      canaries: [
        controllerCanary(async () => {
          if (!reachable) throw new Error('http://controller.test is unreachable: ECONNREFUSED');
        }),
      ],
      intervalMs: 10,
      confirmDelayMs: 5,
      logger: log.logger,
      metrics: new Registry(),
    });
    const current = monitor;
    await sleepRounds();
    expect(current.connectivity).toBe('ok');
    reachable = false;
    await until(() => current.connectivity === 'impaired', 'the controller canary to fail');
  });

  it('reports a result the egress policy refused as inconclusive even while the network is fine', async () => {
    const controller = new FakeController();
    agent = startRunnerAgent({
      link: controller,
      spool: createMemorySpool({ maxResults: 100, logger: log.logger }),
      logger: log.logger,
      metrics: new Registry(),
      userAgent: 'Vigil/test (+runner t-1)',
      egress: loopbackEgress(),
      pollMode: 'periodic',
      pollIntervalMs: 20,
      concurrency: 2,
      reportDelayMs: 10,
      connectivity: () => 'ok',
      probe: async () => ({ ok: false, error_code: 'EGRESS_DENIED', error: 'egress to 10.0.0.1 is denied by the egress policy' }),
    });
    const [run] = controller.lease(1);
    await until(() => controller.stored.size === 1, 'the refused result stored');
    expect(controller.stored.get(`${run.check_id}/${run.run_id}`)).toMatchObject({ ok: false, inconclusive: true, error_code: 'EGRESS_DENIED' });
  });
});

const sleepRounds = () => new Promise((resolve) => setTimeout(resolve, 60));
