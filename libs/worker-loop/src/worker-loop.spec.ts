import { setTimeout as sleep } from 'node:timers/promises';
import { createCapturedLogger } from '@vigil/logger/testing';
import { startWorkerLoop, type WorkerLoop } from './worker-loop';

describe('the worker loop', () => {
  let loop: WorkerLoop | undefined;
  afterEach(async () => {
    await loop?.stop();
    loop = undefined;
  });

  it('runs at once, again at once while there is more, then on its interval', async () => {
    const at: number[] = [];
    let batches = 3;
    const { logger } = createCapturedLogger();
    loop = startWorkerLoop({ name: 'test', logger, pollIntervalMs: 100, step: async () => ({ more: (at.push(Date.now()), --batches > 0) }) });
    await sleep(250);
    expect(at.length).toBeGreaterThanOrEqual(4);
    expect(at.length).toBeLessThanOrEqual(6);
    expect((at[2] ?? 0) - (at[0] ?? 0)).toBeLessThan(50);
    expect((at[3] ?? 0) - (at[2] ?? 0)).toBeGreaterThanOrEqual(90);
  });

  it('runs soon after a wake-up, and once more when woken during a step', async () => {
    let steps = 0;
    let release: () => void = () => undefined;
    const { logger } = createCapturedLogger();
    loop = startWorkerLoop({
      name: 'test',
      logger,
      pollIntervalMs: 60_000,
      step: async () => {
        steps += 1;
        if (steps === 2) await new Promise<void>((resolve) => (release = resolve));
        return { more: false };
      },
    });
    await loop.nextStep();
    expect(steps).toBe(1);
    loop.wake();
    await sleep(20);
    expect(steps).toBe(2);
    loop.wake();
    release();
    await loop.nextStep();
    await loop.nextStep();
    expect(steps).toBe(3);
  });

  it('gathers wake-ups within the spacing into one step, and runs a wake-up after a quiet spell at once', async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      let steps = 0;
      const { logger } = createCapturedLogger();
      loop = startWorkerLoop({ name: 'test', logger, pollIntervalMs: 60_000, wakeSpacingMs: 100, step: async () => ((steps += 1), { more: false }) });
      await jest.advanceTimersByTimeAsync(0);
      expect(steps).toBe(1);
      // Three NOTIFYs 10 ms after the step: one step, once 100 ms have passed since the first started.
      await jest.advanceTimersByTimeAsync(10);
      loop.wake();
      loop.wake();
      await jest.advanceTimersByTimeAsync(50);
      loop.wake();
      expect(steps).toBe(1);
      await jest.advanceTimersByTimeAsync(40);
      expect(steps).toBe(2);
      await jest.advanceTimersByTimeAsync(1000);
      expect(steps).toBe(2);
      // Quiet for longer than the spacing: at once.
      loop.wake();
      await jest.advanceTimersByTimeAsync(0);
      expect(steps).toBe(3);
      await loop.stop();
      loop = undefined;
    } finally {
      jest.useRealTimers();
    }
  });

  it('logs a failing streak once, backs off, and says when it works again', async () => {
    let steps = 0;
    const log = createCapturedLogger({ level: 'info' });
    loop = startWorkerLoop({
      name: 'evaluator',
      logger: log.logger,
      pollIntervalMs: 10,
      backoff: { initialMs: 100, maxMs: 1000 },
      step: async () => {
        steps += 1;
        if (steps <= 3) throw new Error('connection refused');
        return { more: false };
      },
    });
    await sleep(250);
    // Failures at 0, 0.1 s and 0.3 s: the fourth step comes 0.7 s in, not at once.
    expect(steps).toBeLessThanOrEqual(3);
    await sleep(700);
    expect(steps).toBeGreaterThanOrEqual(4);
    const errors = log.lines().filter((line) => line.includes('evaluator failed'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('connection refused');
    expect(log.lines().some((line) => line.includes('evaluator works again after 3 failed attempts'))).toBe(true);
  });

  it('lets the current step finish when stopped, and runs no more', async () => {
    let steps = 0;
    let finished = false;
    const { logger } = createCapturedLogger();
    const running = startWorkerLoop({
      name: 'test',
      logger,
      pollIntervalMs: 5,
      step: async () => {
        steps += 1;
        await sleep(50);
        finished = true;
        return { more: true };
      },
    });
    await sleep(10);
    await running.stop();
    expect(finished).toBe(true);
    const after = steps;
    await sleep(50);
    expect(steps).toBe(after);
  });
});
