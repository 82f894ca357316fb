import { until } from '@vigil/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCapturedLogger } from '@vigil/logger/testing';
import type { ProbeResult, ProbeRun } from '@vigil/probes';
import { Registry } from 'prom-client';
import { type RunnerAgent, type RunnerAgentOptions, startRunnerAgent } from './agent';
import { createBackoff } from './backoff';
import { createMemorySpool } from './spool';
import { FakeController, httpRun } from './testing';
import { loopbackEgress } from '@vigil/egress/testing';

/** A probe the test holds: each run waits until released (or answers after `delayMs`). */
function heldProbe(delayMs?: number) {
  const started: ProbeRun[] = [];
  const waiting: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const probe = async (run: ProbeRun, context: { signal?: AbortSignal }): Promise<ProbeResult> => {
    started.push(run);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    try {
      await new Promise<void>((resolve) => {
        if (delayMs !== undefined) setTimeout(resolve, delayMs);
        else waiting.push(resolve);
        context.signal?.addEventListener('abort', () => resolve());
      });
      return context.signal?.aborted ? { ok: false, error_code: 'ABORTED' } : { ok: true, latency_ms: 1, status_code: 200 };
    } finally {
      running -= 1;
    }
  };
  return {
    probe,
    started,
    releaseAll: () => waiting.splice(0).forEach((resolve) => resolve()),
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('the runner agent', () => {
  let agent: RunnerAgent | undefined;
  let controller: FakeController;
  const log = createCapturedLogger({ level: 'debug' });

  function start(options: Partial<RunnerAgentOptions> = {}): RunnerAgent {
    agent = startRunnerAgent({
      link: controller,
      spool: createMemorySpool({ maxResults: 10_000, logger: log.logger }),
      logger: log.logger,
      metrics: new Registry(),
      userAgent: 'Vigil/test (+runner t-1)',
      egress: loopbackEgress(),
      pollMode: 'periodic',
      pollIntervalMs: 100,
      concurrency: 10,
      reportDelayMs: 20,
      pollBackoff: createBackoff({ initialMs: 50, maxMs: 200 }),
      reportBackoff: createBackoff({ initialMs: 50, maxMs: 200 }),
      ...options,
    });
    return agent;
  }

  beforeEach(() => {
    controller = new FakeController();
  });

  afterEach(async () => {
    await agent?.stop(1000);
    agent = undefined;
  });

  describe('periodic polling', () => {
    it('probes each leased run and reports it with its run, check and time', async () => {
      const { probe } = heldProbe(5);
      const runs = controller.lease(3);
      const before = Date.now();
      start({ probe });
      await until(() => controller.stored.size === 3, 'three results');
      for (const run of runs) {
        const result = controller.stored.get(`${run.check_id}/${run.run_id}`);
        expect(result).toMatchObject({ run_id: run.run_id, check_id: run.check_id, ok: true, status_code: 200 });
        expect(Date.parse(result?.checked_at ?? '')).toBeGreaterThanOrEqual(before - 1);
      }
    });

    it('hands the signal of a run that ended to a later run, never an aborted one', async () => {
      const signals: AbortSignal[] = [];
      const probe = async (_run: ProbeRun, context: { signal?: AbortSignal }): Promise<ProbeResult> => {
        if (context.signal) signals.push(context.signal);
        await new Promise((resolve) => setTimeout(resolve, 2));
        return { ok: true, latency_ms: 1, status_code: 200 };
      };
      controller.lease(3);
      start({ probe, concurrency: 1 });
      await until(() => controller.stored.size === 3, 'three results');
      expect(signals).toHaveLength(3);
      expect(new Set(signals).size).toBe(1);
      expect(signals.some((signal) => signal.aborted)).toBe(false);
    });

    it("reports a slow success degraded by the run's latency rule, as every location judges it", async () => {
      const server = http.createServer((_request, response) => setTimeout(() => response.end('slow'), 300));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
        const [slow] = controller.lease(1, { target, degraded_latency_ms: 100 });
        const [plain] = controller.lease(1, { target });
        start();
        await until(() => controller.stored.size === 2, 'both results');
        expect(controller.stored.get(`${slow.check_id}/${slow.run_id}`)).toMatchObject({
          ok: true,
          degraded: true,
          details: { degraded: [{ rule: 'latency', limit_ms: 100 }] },
        });
        const unruled = controller.stored.get(`${plain.check_id}/${plain.run_id}`);
        expect(unruled).toMatchObject({ ok: true });
        expect(unruled?.degraded).toBeUndefined();
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('polls on its interval, and skips a run handed out again while it is still in flight', async () => {
      const held = heldProbe();
      const runs = controller.lease(1);
      start({ probe: held.probe, pollIntervalMs: 50 });
      await until(() => held.started.length === 1, 'the first run to start');
      for (const run of runs) controller.leaseAgain(run);
      await until(() => controller.polls.length >= 3, 'two more polls');
      expect(held.started).toHaveLength(1);
      held.releaseAll();
      await until(() => controller.stored.size === 1, 'the result');
      expect(controller.reports.flat()).toHaveLength(1);
      const times = controller.polls.map((poll) => poll.at);
      const gaps = times.slice(1).map((at, index) => at - (times[index] ?? at));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(40);
    });

    it('never runs more than the concurrency at once, and keeps at most twice that leased', async () => {
      const held = heldProbe();
      controller.lease(100);
      start({ probe: held.probe, concurrency: 4 });
      await until(() => held.started.length === 4, 'four runs');
      await sleep(250);
      expect(held.maxRunning).toBe(4);
      expect(controller.pending).toBe(92);
      held.releaseAll();
      await until(() => held.started.length === 8, 'the next four');
      expect(held.maxRunning).toBe(4);
    });

    it('polls again before its interval once half the backlog is done when the bound stopped the last poll', async () => {
      // Overdue runs: a runner that waited for its interval to lease more did at most twice
      // its concurrency per interval, however fast its probes were.
      controller.lease(100);
      start({ probe: heldProbe(1).probe, concurrency: 4, pollIntervalMs: 60_000 });
      await until(() => controller.stored.size === 100, 'every run, long before the next interval');
      expect(Math.max(...controller.polls.map((poll) => poll.limit))).toBeLessThanOrEqual(8);
    });

    it('waits for its interval after a poll the controller could not fill', async () => {
      controller.lease(3);
      start({ probe: heldProbe(1).probe, concurrency: 4, pollIntervalMs: 60_000 });
      await until(() => controller.stored.size === 3, 'the three runs');
      controller.lease(3);
      await sleep(300);
      expect(controller.polls).toHaveLength(1);
    });

    it('starts a run in the tick its poll answers when a slot is free', async () => {
      const held = heldProbe(1);
      start({ probe: held.probe, pollIntervalMs: 50 });
      await until(() => controller.polls.length >= 1, 'a first poll');
      const [run] = controller.lease(1);
      await until(() => held.started.length === 1, 'the run');
      const answeredAt = controller.polls.find((poll) => poll.answered === 1)?.at ?? Number.NaN;
      expect(held.started[0]?.target).toBe(run?.target);
      // Started within the same few milliseconds as the poll that leased it.
      expect(Date.now() - answeredAt).toBeLessThan(1000);
    });
  });

  describe('runs leased ahead', () => {
    it('asks for the runs due before its next poll, a little more than its interval ahead', async () => {
      start({ pollIntervalMs: 1000 });
      await until(() => controller.polls.length >= 1, 'a first poll');
      expect(controller.polls[0]?.lookaheadMs).toBe(1200);
      await agent?.stop(100);
      controller = new FakeController();
      start({ pollMode: 'drain', pollIntervalMs: 10_000 });
      await until(() => controller.polls.length >= 1, 'a first poll');
      // Never more than the controller leases ahead.
      expect(controller.polls[0]?.lookaheadMs).toBe(5000);
    });

    it('does not count runs waiting for their due time against the backlog', async () => {
      const held = heldProbe(1);
      controller.lease(30, { due_at: new Date(Date.now() + 5000).toISOString() });
      start({ probe: held.probe, concurrency: 4, pollIntervalMs: 60_000 });
      // Twice the concurrency is 8: all 30 are leased by the first poll's requests, none started.
      await until(() => controller.pending === 0, 'all thirty leased');
      expect(held.started).toHaveLength(0);
      expect(controller.polls.map((poll) => poll.limit)).toEqual([8, 8, 8, 8]);
    });

    it('starts a run at its due time, not at the poll that leased it', async () => {
      const held = heldProbe(1);
      const [run] = controller.lease(1, { due_at: new Date(Date.now() + 200).toISOString() });
      const running = start({ probe: held.probe });
      await until(() => controller.polls.some((poll) => poll.answered === 1), 'the poll that leases it');
      expect(held.started).toHaveLength(0);
      expect(running.inFlight).toBe(0);
      await until(() => controller.stored.size === 1, 'its result', 2000);
      const result = controller.stored.get(`${run?.check_id}/${run?.run_id}`);
      expect(Date.parse(result?.checked_at ?? '')).toBeGreaterThanOrEqual(Date.parse(run?.due_at ?? ''));
    });

    it('skips a waiting run handed out again, and on stop drops it unstarted, to its lease', async () => {
      const held = heldProbe(1);
      const [run] = controller.lease(1, { due_at: new Date(Date.now() + 400).toISOString() });
      const running = start({ probe: held.probe, pollIntervalMs: 50 });
      await until(() => controller.polls.some((poll) => poll.answered === 1), 'the poll that leases it');
      if (run) controller.leaseAgain(run);
      await until(() => controller.pending === 0, 'the second lease of it');
      await running.stop(1000);
      await sleep(500);
      expect(held.started).toHaveLength(0);
      expect(controller.stored.size).toBe(0);
      expect(log.lines().some((line) => line.includes('1 leased runs were not started'))).toBe(true);
    });
  });

  describe('keeping up', () => {
    const overdue = () => new Date(Date.now() - 60_000).toISOString();

    it('counts runs started late and leases expired unrun, raises its concurrency, says so once, and tells the controller', async () => {
      const held = heldProbe();
      const metrics = new Registry();
      controller.lease(2, { due_at: overdue(), previous_lease_expired: true });
      controller.lease(20, { due_at: overdue() });
      const logged = log.lines().length;
      const running = start({ probe: held.probe, metrics, concurrency: 4, concurrencyMax: 10, keepUpWindowMs: 100 });
      await until(() => running.concurrency === 8, 'a first raise');
      expect(running.loadHeader()).toBe('behind; concurrency=8');
      expect(await metrics.metrics()).toContain('vigil_runner_behind 1');
      await until(() => held.started.length === 8, 'eight runs at once');
      await until(() => running.concurrency === 10, 'the bound');
      await sleep(300);
      expect(running.concurrency).toBe(10);
      const warnings = log.lines().slice(logged).filter((line) => line.includes('falling behind'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('concurrency 4 → 8');
      const text = await metrics.metrics();
      expect(text).toMatch(/vigil_runner_runs_late_total \d+/);
      expect(Number(/vigil_runner_runs_late_total (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(4);
      expect(text).toContain('vigil_runner_leases_expired_total 2');
      expect(text).toContain('vigil_runner_concurrency 10');
    });

    it('catches up, then comes back down to its configured concurrency once idle', async () => {
      controller.lease(30, { due_at: overdue() });
      const logged = log.lines().length;
      const running = start({ probe: heldProbe(1).probe, concurrency: 4, concurrencyMax: 16, keepUpWindowMs: 100 });
      await until(() => running.concurrency > 4, 'a raise');
      await until(() => controller.stored.size === 30, 'every run');
      await until(() => running.concurrency === 4 && running.loadHeader() === 'ok; concurrency=4', 'back to the floor');
      expect(log.lines().slice(logged).some((line) => line.includes('caught up'))).toBe(true);
    });

    it('runs on time leave it where it is', async () => {
      controller.lease(6);
      const logged = log.lines().length;
      const running = start({ probe: heldProbe(1).probe, concurrency: 4, concurrencyMax: 16, keepUpWindowMs: 50 });
      await until(() => controller.stored.size === 6, 'the runs');
      await sleep(300);
      expect(running.concurrency).toBe(4);
      expect(log.lines().slice(logged).some((line) => line.includes('falling behind'))).toBe(false);
    });
  });

  describe('drain polling', () => {
    it('does not ask again while runs wait for a slot, and asks at once when the queue empties', async () => {
      const held = heldProbe();
      controller.lease(6);
      start({ probe: held.probe, pollMode: 'drain', concurrency: 2, pollIntervalMs: 10_000 });
      await until(() => held.started.length === 2, 'two runs');
      // Two slots and nothing more: the poll asked for two only.
      expect(controller.polls.map((poll) => poll.limit)).toEqual([2]);
      held.releaseAll();
      await until(() => held.started.length === 4, 'two more runs');
      expect(controller.polls.length).toBe(2);
      held.releaseAll();
      await until(() => held.started.length === 6, 'the last two');
      held.releaseAll();
      await until(() => controller.stored.size === 6, 'all results');
      // The interval is 10 s: every poll so far came from a freed slot, not the timer.
      expect(controller.polls.length).toBeGreaterThanOrEqual(3);
    });

    it('waits an interval after a poll that found nothing', async () => {
      start({ probe: heldProbe(1).probe, pollMode: 'drain', pollIntervalMs: 100 });
      await until(() => controller.polls.length >= 3, 'three polls');
      const [first, second, third] = controller.polls.map((poll) => poll.at);
      expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(90);
      expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(90);
    });
  });

  describe('reports', () => {
    it('sends full batches at once and the rest after the short delay', async () => {
      controller.lease(12);
      start({ probe: heldProbe(1).probe, concurrency: 12, reportBatchSize: 5, reportDelayMs: 100 });
      await until(() => controller.stored.size === 12, 'twelve results');
      expect(controller.reports.map((batch) => batch.length)).toEqual([5, 5, 2]);
    });

    it('holds passing results two seconds by default, so the runs of two seconds share one report', async () => {
      controller.lease(3);
      const startedAt = Date.now();
      start({ probe: heldProbe(1).probe, reportDelayMs: undefined });
      await until(() => controller.stored.size === 3, 'three results', 6000);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1950);
      expect(controller.reports.map((batch) => batch.length)).toEqual([3]);
    });

    it('spools while the controller is down, does not poll meanwhile, and replays in order once it is back', async () => {
      const first = controller.lease(5);
      const held = heldProbe(1);
      const running = start({ probe: held.probe, reportDelayMs: 10 });
      await until(() => held.started.length === 5, 'five runs');
      controller.failing = { failure: 'unavailable', message: 'http://controller is unreachable: ECONNREFUSED' };
      await until(() => running.backlog === 5 && running.inFlight === 0, 'five results held');
      const pollsWhileDown = controller.polls.length;
      controller.lease(5);
      await sleep(300);
      expect(controller.polls.length).toBe(pollsWhileDown);
      expect(controller.stored.size).toBe(0);

      controller.failing = undefined;
      await until(() => controller.stored.size === 10, 'all ten results');
      const order = controller.reports.flat().map((result) => result.run_id);
      expect(order.slice(0, 5)).toEqual(first.map((run) => run.run_id));
      expect(log.lines().some((line) => line.includes('reports are kept in the spool'))).toBe(true);
    });

    it('replays what an earlier run left in the spool before it polls', async () => {
      const spool = createMemorySpool({ maxResults: 100, logger: log.logger });
      const left = [httpRun(), httpRun(), httpRun()].map((run) => ({ run_id: run.run_id, check_id: run.check_id, ok: true, checked_at: new Date().toISOString() }));
      await spool.append(left);
      controller.lease(2);
      start({ probe: heldProbe(1).probe, spool, reportBatchSize: 2 });
      await until(() => controller.stored.size === 5, 'the spooled and the new results');
      expect(controller.reports.flat().slice(0, 3).map((result) => result.run_id)).toEqual(left.map((result) => result.run_id));
      expect(spool.size()).toBe(0);
    });

    it('splits a batch the controller refuses to find and drop only the result it cannot take', async () => {
      const runs = controller.lease(8);
      const refused = runs[5]?.run_id ?? '';
      controller.refuseRuns.add(refused);
      start({ probe: heldProbe(1).probe, reportBatchSize: 8, reportDelayMs: 50 });
      await until(() => controller.stored.size === 7, 'seven results');
      await sleep(50);
      expect([...controller.stored.values()].map((result) => result.run_id)).not.toContain(refused);
      expect(log.lines().some((line) => line.includes('the controller refused a result'))).toBe(true);
    });
  });

  describe('a key the controller refuses', () => {
    it('logs the controller reason and backs off instead of polling in a loop', async () => {
      controller.failing = { failure: 'unauthorized', message: '401 from http://controller: unknown runner key' };
      start({ pollBackoff: createBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 }) });
      await sleep(800);
      // 0, 100, 200, 400 ms: four polls at most in 800 ms, where a hot loop would make thousands.
      expect(controller.polls.length).toBe(0);
      const errors = log.lines().filter((line) => line.includes('unknown runner key'));
      expect(errors.length).toBeGreaterThanOrEqual(3);
      expect(errors.length).toBeLessThanOrEqual(5);
    });
  });

  describe('stopping', () => {
    it('lets runs in flight finish within the deadline and reports them', async () => {
      controller.lease(3);
      const running = start({ probe: heldProbe(100).probe });
      await until(() => running.inFlight === 3, 'three runs in flight');
      await running.stop(5000);
      expect(controller.stored.size).toBe(3);
    });

    it('abandons runs past the deadline without reporting them, and stops polling', async () => {
      controller.lease(2);
      const held = heldProbe();
      const running = start({ probe: held.probe });
      await until(() => running.inFlight === 2, 'two runs in flight');
      const polls = controller.polls.length;
      await running.stop(50);
      await sleep(250);
      expect(controller.stored.size).toBe(0);
      expect(controller.polls.length).toBe(polls);
      expect(log.lines().some((line) => line.includes('abandoning 2 runs'))).toBe(true);
    });

    it('spools what the controller does not take at stop, for the next start', async () => {
      const spool = createMemorySpool({ maxResults: 100, logger: log.logger });
      controller.lease(2);
      const running = start({ probe: heldProbe(1).probe, spool, reportDelayMs: 10_000 });
      await until(() => running.backlog === 2, 'two results held');
      controller.failing = { failure: 'unavailable', message: 'down' };
      await running.stop(1000);
      expect(spool.size()).toBe(2);
    });
  });
});
