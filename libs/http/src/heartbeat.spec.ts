import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressGuard, DEFAULT_EGRESS_POLICY } from '@vigil/egress';
import { fakeResolver, loopbackEgress } from '@vigil/egress/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { createSweepHealth } from '@vigil/worker-loop';
import { type Heartbeat, HEARTBEAT_METRIC, originOf, pingOnce, startHeartbeat } from './heartbeat';
import { createMetricsRegistry } from './metrics';

const TOKEN = 'hc-token-5f1e2d3c4b5a';

/** A dead man's switch on loopback: counts the pings it receives, answers `status`. */
async function startSwitch(status = 200) {
  const pings: IncomingMessage[] = [];
  const server = http.createServer((request, response) => {
    pings.push(request);
    response.writeHead(status).end('OK');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    pings,
    url: `http://127.0.0.1:${port}/ping/${TOKEN}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function pingCount(registry: ReturnType<typeof createMetricsRegistry>, outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric(HEARTBEAT_METRIC)?.get();
  return metric?.values.find((value) => value.labels['outcome'] === outcome)?.value ?? 0;
}

/** Ticks until `condition` holds, at most `max` ticks. */
async function ticksUntil(heartbeat: Heartbeat, condition: () => boolean, max = 50): Promise<void> {
  for (let tick = 0; tick < max && !condition(); tick++) await heartbeat.nextTick();
  expect(condition()).toBe(true);
}

describe("the heartbeat (Vigil's dead man's switch)", () => {
  let heartbeat: Heartbeat | undefined;
  afterEach(async () => {
    await heartbeat?.stop();
    heartbeat = undefined;
  });

  it('pings while the sweeps succeed, stops while they fail, and resumes after a success', async () => {
    const target = await startSwitch();
    try {
      const metrics = createMetricsRegistry({ service: 'evaluator', defaultMetrics: false });
      const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 2 });
      health.record('evaluator', { ok: true });
      const log = createCapturedLogger({ level: 'info' });
      heartbeat = startHeartbeat({ url: target.url, intervalMs: 20, timeoutMs: 2000, healthy: () => health.healthy(60_000), egress: loopbackEgress(), logger: log.logger, metrics });

      await ticksUntil(heartbeat, () => target.pings.length >= 2);
      expect(target.pings[0]).toMatchObject({ method: 'GET', url: `/ping/${TOKEN}` });
      expect(target.pings[0]?.headers['user-agent']).toMatch(/^Vigil\//);

      health.record('evaluator', { ok: false, error: 'corrupt page' });
      health.record('evaluator', { ok: false, error: 'corrupt page' });
      // A ping in flight may still land: count from the first skipped tick on.
      await ticksUntil(heartbeat, () => false === health.healthy(60_000));
      let outcome = await heartbeat.nextTick();
      while (outcome !== 'skipped') outcome = await heartbeat.nextTick();
      const whileFailing = target.pings.length;
      for (let tick = 0; tick < 5; tick++) expect(await heartbeat.nextTick()).toBe('skipped');
      expect(target.pings.length).toBe(whileFailing);
      expect(await pingCount(metrics, 'skipped')).toBeGreaterThanOrEqual(6);

      health.record('evaluator', { ok: true });
      outcome = await heartbeat.nextTick();
      while (outcome === 'skipped') outcome = await heartbeat.nextTick();
      expect(outcome).toEqual({ ok: true });
      expect(target.pings.length).toBeGreaterThan(whileFailing);
      expect(await pingCount(metrics, 'ok')).toBeGreaterThanOrEqual(3);

      const lines = log.lines();
      expect(lines.filter((line) => line.includes('heartbeat paused'))).toHaveLength(1);
      expect(lines.filter((line) => line.includes('heartbeat resumed'))).toHaveLength(1);
      // The token is in the URL's path: logs show the origin only.
      expect(lines.join('\n')).not.toContain(TOKEN);
      expect(lines.join('\n')).toContain(originOf(target.url));
    } finally {
      await target.close();
    }
  });

  it('is refused by the egress policy when the URL is not allowed, sends nothing, counts and logs the failure once', async () => {
    const target = await startSwitch();
    try {
      const metrics = createMetricsRegistry({ service: 'notifier', defaultMetrics: false });
      const log = createCapturedLogger({ level: 'info' });
      // Loopback is denied by default, as an internal address: as a literal and behind a name.
      const egress = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver: fakeResolver({ 'hc.internal.test': '127.0.0.1' }) });
      expect(await pingOnce(target.url, { egress, timeoutMs: 2000 })).toMatchObject({ ok: false, error: expect.stringContaining('EGRESS_DENIED') });
      const named = target.url.replace('127.0.0.1', 'hc.internal.test');
      expect(await pingOnce(named, { egress, timeoutMs: 2000 })).toMatchObject({ ok: false, error: expect.stringContaining('EGRESS_DENIED') });

      heartbeat = startHeartbeat({ url: named, intervalMs: 10, healthy: () => true, egress, logger: log.logger, metrics });
      for (let tick = 0; tick < 4; tick++) expect(await heartbeat.nextTick()).toMatchObject({ ok: false });
      expect(target.pings).toHaveLength(0);
      expect(await pingCount(metrics, 'failed')).toBeGreaterThanOrEqual(4);
      // Rate-limited: the first failure of the streak is logged, the next ones are not.
      const errors = log.lines().filter((line) => line.includes('heartbeat ping failed'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('http://hc.internal.test:');
      expect(errors[0]).not.toContain(TOKEN);
    } finally {
      await target.close();
    }
  });

  it('counts an answer other than 2xx as a failed ping', async () => {
    const target = await startSwitch(503);
    try {
      expect(await pingOnce(target.url, { egress: loopbackEgress(), timeoutMs: 2000 })).toEqual({ ok: false, error: 'answered 503' });
      expect(target.pings).toHaveLength(1);
    } finally {
      await target.close();
    }
  });
});
