import { createCapturedLogger } from '@vigil/logger/testing';
import { Registry } from 'prom-client';
import { CONSECUTIVE_FAILURES_METRIC, createSweepHealth, LAST_SUCCESS_METRIC } from './sweep-health';
import { startWorkerLoop, type WorkerLoop } from './worker-loop';

async function gauge(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))?.value;
}

describe('the sweep health of a service', () => {
  it('turns not ready after the configured number of consecutive failures of one loop, and ready after a success', () => {
    let now = 1_000_000;
    const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 3, now: () => now });
    health.register('evaluator');
    health.register('evaluator sweep');
    expect(health.status()).toMatchObject({ ready: true });

    health.record('evaluator sweep', { ok: true });
    health.record('evaluator', { ok: false, error: new Error('relation "site_events" does not exist') });
    health.record('evaluator', { ok: false, error: new Error('relation "site_events" does not exist') });
    expect(health.status().ready).toBe(true);
    health.record('evaluator', { ok: false, error: new Error('could not read block 7 in file "base/1/2"') });
    expect(health.status()).toMatchObject({
      ready: false,
      reason: 'evaluator failed 3 times in a row: could not read block 7 in file "base/1/2"',
      loops: { evaluator: { consecutiveFailures: 3, lastSuccessAt: undefined }, 'evaluator sweep': { consecutiveFailures: 0, lastSuccessAt: 1_000_000 } },
    });

    now += 5000;
    health.record('evaluator', { ok: true });
    expect(health.status()).toMatchObject({ ready: true, loops: { evaluator: { consecutiveFailures: 0, lastSuccessAt: 1_005_000, lastError: undefined } } });
  });

  it('is healthy only while ready and every loop completed a step recently', () => {
    let now = 0;
    const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: 2, now: () => now });
    expect(health.healthy(60_000)).toBe(false);
    health.register('notifier');
    expect(health.healthy(60_000)).toBe(false);
    health.record('notifier', { ok: true });
    expect(health.healthy(60_000)).toBe(true);
    // A step that hangs fails nothing, but the service stops being healthy.
    now = 60_001;
    expect(health.healthy(60_000)).toBe(false);
    health.record('notifier', { ok: true });
    health.record('notifier', { ok: false, error: 'x' });
    expect(health.healthy(60_000)).toBe(true);
    health.record('notifier', { ok: false, error: 'x' });
    expect(health.healthy(60_000)).toBe(false);
  });

  it('exports the last success and the streak as gauges labelled by service and loop', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'all-in-one' });
    const evaluator = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 3, metrics: registry, now: () => 1_700_000_000_000 });
    const notifier = createSweepHealth({ service: 'notifier', maxFailedSweeps: 3, metrics: registry, now: () => 1_700_000_000_000 });
    notifier.register('notifier');
    evaluator.record('evaluator', { ok: true });
    evaluator.record('evaluator', { ok: false, error: 'boom' });
    expect(await gauge(registry, LAST_SUCCESS_METRIC, { service: 'evaluator', loop: 'evaluator' })).toBe(1_700_000_000);
    expect(await gauge(registry, CONSECUTIVE_FAILURES_METRIC, { service: 'evaluator', loop: 'evaluator' })).toBe(1);
    expect(await gauge(registry, LAST_SUCCESS_METRIC, { service: 'notifier', loop: 'notifier' })).toBe(0);
    expect(await gauge(registry, CONSECUTIVE_FAILURES_METRIC, { service: 'notifier', loop: 'notifier' })).toBe(0);
    expect(await registry.metrics()).toContain(`${LAST_SUCCESS_METRIC}{service="evaluator",loop="evaluator"} 1700000000`);
  });

  it('keeps the last error to one line of at most 300 characters', () => {
    const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 1 });
    health.record('evaluator', { ok: false, error: new Error(`Invalid \`prisma.checkResult.findMany()\` invocation:\n\n\nThe table \`public.check_results\` does not exist ${'x'.repeat(400)}`) });
    const lastError = health.status().loops['evaluator']?.lastError ?? '';
    expect(lastError).toMatch(/^Invalid `prisma.checkResult.findMany\(\)` invocation: The table `public.check_results` does not exist x+$/);
    expect(lastError).toHaveLength(300);
  });

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => createSweepHealth({ service: 'x', maxFailedSweeps: 0 })).toThrow(/positive integer/);
  });
});

describe('the worker loop reporting to a sweep health', () => {
  let loop: WorkerLoop | undefined;
  afterEach(async () => {
    await loop?.stop();
    loop = undefined;
  });

  it('counts each failed step once and resets on success, so the service turns unready then ready', async () => {
    const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: 3 });
    let fail = true;
    const { logger } = createCapturedLogger();
    loop = startWorkerLoop({
      name: 'notifier',
      logger,
      health,
      pollIntervalMs: 5,
      backoff: { initialMs: 5, maxMs: 5 },
      step: async () => {
        if (fail) throw new Error('page is corrupt');
        return { more: false };
      },
    });
    // Registered before its first step: a loop that never succeeds still shows.
    expect(health.status().loops).toHaveProperty('notifier');
    for (let seen = 0; seen < 3; seen++) await loop.nextStep();
    expect(health.status()).toMatchObject({ ready: false, loops: { notifier: { consecutiveFailures: 3, lastError: 'page is corrupt' } } });
    await loop.nextStep();
    expect(health.status().loops['notifier']?.consecutiveFailures).toBe(4);

    fail = false;
    await loop.nextStep();
    await loop.nextStep();
    expect(health.status()).toMatchObject({ ready: true, loops: { notifier: { consecutiveFailures: 0 } } });
    expect(health.status().loops['notifier']?.lastSuccessAt).toBeGreaterThan(0);
  });

  it('counts a step that ran but reports a failure as a failed sweep, without backing off', async () => {
    const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 2 });
    const at: number[] = [];
    const { logger } = createCapturedLogger();
    loop = startWorkerLoop({
      name: 'evaluator',
      logger,
      health,
      pollIntervalMs: 10,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      step: async () => (at.push(Date.now()), { more: false, failure: '3 of 5 checks could not be evaluated' }),
    });
    for (let seen = 0; seen < 3; seen++) await loop.nextStep();
    // At the poll interval, not after the minute-long backoff a throw would get.
    expect(at.length).toBeGreaterThanOrEqual(3);
    expect(health.status()).toMatchObject({ ready: false, reason: expect.stringMatching(/^evaluator failed [3-9] times in a row: 3 of 5 checks could not be evaluated$/) });
  });
});
