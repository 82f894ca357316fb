import { setTimeout as sleep } from 'node:timers/promises';
import { createCapturedLogger } from '@vigil/logger/testing';
import { createSweepHealth } from './sweep-health';
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

  describe('with a probe', () => {
    it('looks before each step the interval starts, and steps only when the look finds work', async () => {
      jest.useFakeTimers({ now: 0 });
      try {
        const calls: string[] = [];
        let work = false;
        const { logger } = createCapturedLogger();
        loop = startWorkerLoop({
          name: 'test',
          logger,
          pollIntervalMs: 1000,
          probe: async () => (calls.push('probe'), work),
          step: async () => (calls.push('step'), { more: false }),
        });
        // The first step, at start, runs whole.
        await jest.advanceTimersByTimeAsync(0);
        expect(calls).toEqual(['step']);
        await jest.advanceTimersByTimeAsync(2000);
        expect(calls).toEqual(['step', 'probe', 'probe']);
        work = true;
        await jest.advanceTimersByTimeAsync(1000);
        expect(calls).toEqual(['step', 'probe', 'probe', 'probe', 'step']);
        await loop.stop();
        loop = undefined;
      } finally {
        jest.useRealTimers();
      }
    });

    it('steps at once, without looking, after a wake-up and after a step that said there was more', async () => {
      jest.useFakeTimers({ now: 0 });
      try {
        const calls: string[] = [];
        let batches = 0;
        const { logger } = createCapturedLogger();
        loop = startWorkerLoop({
          name: 'test',
          logger,
          pollIntervalMs: 1000,
          probe: async () => (calls.push('probe'), false),
          step: async () => (calls.push('step'), { more: --batches > 0 }),
        });
        await jest.advanceTimersByTimeAsync(0);
        expect(calls).toEqual(['step']);
        batches = 2;
        loop.wake();
        await jest.advanceTimersByTimeAsync(10);
        expect(calls).toEqual(['step', 'step', 'step']);
        await jest.advanceTimersByTimeAsync(1000);
        expect(calls).toEqual(['step', 'step', 'step', 'probe']);
        loop.wake();
        await jest.advanceTimersByTimeAsync(0);
        expect(calls).toEqual(['step', 'step', 'step', 'probe', 'step']);
        await loop.stop();
        loop = undefined;
      } finally {
        jest.useRealTimers();
      }
    });

    it('does not look first when a wake-up falls to a poll already due sooner', async () => {
      jest.useFakeTimers({ now: 0 });
      try {
        const calls: string[] = [];
        const { logger } = createCapturedLogger();
        loop = startWorkerLoop({
          name: 'test',
          logger,
          pollIntervalMs: 1000,
          wakeSpacingMs: 1500,
          probe: async () => (calls.push(`probe ${Date.now()}`), false),
          step: async () => (calls.push(`step ${Date.now()}`), { more: false }),
        });
        await jest.advanceTimersByTimeAsync(100);
        loop.wake();
        await jest.advanceTimersByTimeAsync(2000);
        expect(calls).toEqual(['step 0', 'step 1000', 'probe 2000']);
        await loop.stop();
        loop = undefined;
      } finally {
        jest.useRealTimers();
      }
    });

    it('counts a look that finds nothing as a step done, and a look that throws as a failed one', async () => {
      jest.useFakeTimers({ now: 0 });
      try {
        let fail = false;
        const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: 2, now: () => Date.now() });
        const log = createCapturedLogger({ level: 'info' });
        loop = startWorkerLoop({
          name: 'notifier',
          logger: log.logger,
          health,
          pollIntervalMs: 1000,
          backoff: { initialMs: 5000, maxMs: 5000 },
          probe: async () => {
            if (fail) throw new Error('connection refused');
            return false;
          },
          step: async () => ({ more: false }),
        });
        await jest.advanceTimersByTimeAsync(0);
        const looked = loop.nextStep();
        await jest.advanceTimersByTimeAsync(1000);
        await looked;
        expect(health.status().loops['notifier']).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: 1000 });
        fail = true;
        await jest.advanceTimersByTimeAsync(1000);
        expect(health.status().loops['notifier']).toMatchObject({ consecutiveFailures: 1, lastError: 'connection refused' });
        // Backed off: no look before the 5 s are up.
        await jest.advanceTimersByTimeAsync(4000);
        expect(health.status().loops['notifier']?.consecutiveFailures).toBe(1);
        await jest.advanceTimersByTimeAsync(1000);
        expect(health.status()).toMatchObject({ ready: false, reason: 'notifier failed 2 times in a row: connection refused' });
        fail = false;
        await jest.advanceTimersByTimeAsync(5000);
        expect(health.status().ready).toBe(true);
        expect(log.lines().some((line) => line.includes('notifier works again after 2 failed attempts'))).toBe(true);
        await loop.stop();
        loop = undefined;
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
