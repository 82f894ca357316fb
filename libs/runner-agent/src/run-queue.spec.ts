import type { RunSpec } from '@vigil/contracts';
import { until } from '@vigil/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunQueue, START_SPACING_MS, startDelayMs } from './run-queue';
import { httpRun } from './testing';

/** A queue whose runs are held until released; records when each started. */
function heldQueue(concurrency: number) {
  const startedAt = new Map<string, number>();
  const release = new Map<string, () => void>();
  const queue = new RunQueue(concurrency, (run) => {
    startedAt.set(run.run_id, Date.now());
    return new Promise<void>((resolve) => release.set(run.run_id, resolve));
  });
  return { queue, startedAt, release: (run: RunSpec) => release.get(run.run_id)?.() };
}

const dueIn = (ms: number): RunSpec => httpRun({ due_at: new Date(Date.now() + ms).toISOString() });

describe('the run queue', () => {
  it('starts a run leased ahead at its due time, not before, and soon after', async () => {
    const { queue, startedAt } = heldQueue(4);
    const run = dueIn(150);
    const dueMs = Date.parse(run.due_at);
    queue.push([run]);
    expect(queue.inFlight).toBe(0);
    expect(queue.queued).toBe(1);
    expect(queue.delayed).toBe(1);
    await until(() => startedAt.has(run.run_id), 'the run to start', 2000);
    const started = startedAt.get(run.run_id) ?? Number.NaN;
    expect(started).toBeGreaterThanOrEqual(dueMs);
    // Started by its own timer, not by a later poll: a loaded CI machine delays timers by tens
    // of milliseconds, so the bound is the shortest poll interval (1 s), not a latency target.
    expect(started - dueMs).toBeLessThan(1000);
    expect(queue.inFlight).toBe(1);
    expect(queue.delayed).toBe(0);
  });

  it('starts a run already due in the tick it is pushed', () => {
    const { queue, startedAt } = heldQueue(4);
    const overdue = httpRun({ due_at: new Date(Date.now() - 5_000).toISOString() });
    queue.push([overdue]);
    expect(startedAt.has(overdue.run_id)).toBe(true);
  });

  it('gives a slot only to started runs: a waiting run does not hold one, and takes one when it is due', async () => {
    const { queue, startedAt, release } = heldQueue(1);
    const later = dueIn(100);
    const now = httpRun();
    queue.push([later, now]);
    // The run due now starts although a run leased before it waits: the one slot is free.
    expect([...startedAt.keys()]).toEqual([now.run_id]);
    expect(queue.freeSlots).toBe(0);
    await sleep(150);
    // Due now, but the only slot is taken: it waits for it.
    expect(startedAt.has(later.run_id)).toBe(false);
    expect(queue.delayed).toBe(0);
    expect(queue.queued).toBe(1);
    release(now);
    await until(() => startedAt.has(later.run_id), 'the later run to take the freed slot', 1000);
    expect(queue.inFlight).toBe(1);
  });

  it('skips a run handed out again while it waits for its due time', () => {
    const { queue } = heldQueue(2);
    const run = dueIn(1_000);
    expect(queue.push([run])).toBe(0);
    expect(queue.has(run)).toBe(true);
    expect(queue.push([{ ...run }])).toBe(1);
    expect(queue.queued).toBe(1);
    queue.dropWaiting();
  });

  it('drops the runs waiting for their due time, which then never start', async () => {
    const { queue, startedAt } = heldQueue(2);
    const runs = [dueIn(100), dueIn(120)];
    queue.push(runs);
    expect(queue.dropWaiting()).toBe(2);
    expect(queue.queued).toBe(0);
    expect(queue.has(runs[0] as RunSpec)).toBe(false);
    await queue.whenIdle();
    await sleep(200);
    expect(startedAt.size).toBe(0);
  });

  describe('with fake clocks', () => {
    beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
    afterEach(() => jest.useRealTimers());

    it('starts runs due close together on one wake-up, none before its due time, and a lone run on time', () => {
      const { queue, startedAt } = heldQueue(10);
      const t0 = Date.now();
      const at = (ms: number) => httpRun({ due_at: new Date(t0 + ms).toISOString() });
      const [a, b, c, d] = [at(100), at(105), at(118), at(500)];
      queue.push([d, c, b, a]);
      expect(queue.delayed).toBe(4);
      jest.advanceTimersByTime(99);
      expect(startedAt.size).toBe(0);
      jest.advanceTimersByTime(1);
      expect(startedAt.get(a.run_id)).toBe(t0 + 100);
      // b and c fall due within START_SPACING_MS of that wake-up: they start together on the next one.
      jest.advanceTimersByTime(START_SPACING_MS - 1);
      expect(startedAt.has(b.run_id)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(startedAt.get(b.run_id)).toBe(t0 + 100 + START_SPACING_MS);
      expect(startedAt.get(c.run_id)).toBe(t0 + 100 + START_SPACING_MS);
      expect(queue.delayed).toBe(1);
      jest.advanceTimersByTime(500 - 100 - START_SPACING_MS - 1);
      expect(startedAt.has(d.run_id)).toBe(false);
      jest.advanceTimersByTime(1);
      expect(startedAt.get(d.run_id)).toBe(t0 + 500);
      expect(queue.delayed).toBe(0);
    });

    it('starts a steady 100 runs a second in batches of about twenty, each within START_SPACING_MS of its due time', () => {
      const { queue, startedAt } = heldQueue(1000);
      const t0 = Date.now();
      const runs = Array.from({ length: 100 }, (_, i) => httpRun({ due_at: new Date(t0 + 10 + i * 10).toISOString() }));
      queue.push(runs);
      jest.advanceTimersByTime(1200);
      expect(startedAt.size).toBe(100);
      const wakeUps = new Set(startedAt.values());
      expect(wakeUps.size).toBeLessThanOrEqual(Math.ceil(1000 / START_SPACING_MS) + 1);
      for (const run of runs) {
        const late = (startedAt.get(run.run_id) as number) - Date.parse(run.due_at);
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThanOrEqual(START_SPACING_MS);
      }
    });

    it('moves its timer earlier for a run leased later but due sooner', () => {
      const { queue, startedAt } = heldQueue(10);
      const t0 = Date.now();
      const later = httpRun({ due_at: new Date(t0 + 300).toISOString() });
      const sooner = httpRun({ due_at: new Date(t0 + 50).toISOString() });
      queue.push([later]);
      queue.push([sooner]);
      jest.advanceTimersByTime(50);
      expect([...startedAt.keys()]).toEqual([sooner.run_id]);
      jest.advanceTimersByTime(250);
      expect([...startedAt.keys()]).toEqual([sooner.run_id, later.run_id]);
    });

    it('leaves no timer behind once the runs waiting for their due time are dropped', () => {
      const { queue, startedAt } = heldQueue(10);
      queue.push([httpRun({ due_at: new Date(Date.now() + 100).toISOString() })]);
      expect(jest.getTimerCount()).toBe(1);
      queue.dropWaiting();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(1000);
      expect(startedAt.size).toBe(0);
    });
  });

  it('never waits longer than a poll may lease ahead, whatever the clocks say', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(startDelayMs({ due_at: '2026-01-01T00:00:00.150Z' }, now)).toBe(150);
    expect(startDelayMs({ due_at: '2025-12-31T23:59:00Z' }, now)).toBe(0);
    expect(startDelayMs({ due_at: '2026-01-01T01:00:00Z' }, now)).toBe(5_000);
    expect(startDelayMs({ due_at: 'not a time' }, now)).toBe(0);
  });
});

describe('the run queue holding runs', () => {
  it('keeps no run that has finished: its spec can be collected young', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new RunQueue(2, () => Promise.resolve());
    let run: RunSpec | undefined = httpRun();
    const finished = new WeakRef(run);
    queue.push([run]);
    run = undefined;
    await queue.whenIdle();
    // A few rounds: a run that finished is collected at the next GC unless something holds it.
    for (let i = 0; i < 3 && finished.deref() !== undefined; i++) {
      await sleep(10);
      gc();
    }
    expect(finished.deref()).toBeUndefined();
  });
});
