import type { ReportedResult } from '@vigil/contracts';
import { createCapturedLogger } from '@vigil/logger/testing';
import { until } from '@vigil/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { type AgentMetrics, agentMetrics } from './agent-metrics';
import { createBackoff } from './backoff';
import { Reporter } from './reporter';
import { createMemorySpool, type Spool, SpoolWriteError } from './spool';
import { FakeController, httpRun } from './testing';

function resultOf(ok: boolean): ReportedResult {
  const run = httpRun();
  return { run_id: run.run_id, check_id: run.check_id, ok, checked_at: new Date().toISOString() };
}

describe('the reporter', () => {
  const { logger } = createCapturedLogger({ level: 'debug' });
  let controller: FakeController;
  let reporter: Reporter;

  beforeEach(() => {
    controller = new FakeController();
    const spool = createMemorySpool({ maxResults: 100, logger });
    const metrics = agentMetrics(new Registry(), { inFlight: () => 0, spooled: () => spool.size(), concurrency: () => 1, behind: () => false });
    reporter = new Reporter({ link: controller, spool, logger, metrics, batchSize: 50, delayMs: 300 });
  });

  afterEach(() => reporter.stop());

  it('holds passes for the delay, to share a report', async () => {
    reporter.add(resultOf(true));
    reporter.add(resultOf(true));
    await sleep(150);
    expect(controller.reports).toHaveLength(0);
    await until(() => controller.reports.length === 1, 'the delayed report', 2000);
    expect(controller.reports[0]).toHaveLength(2);
  });

  it('sends a failure at once, with the passes held before it', async () => {
    const passed = resultOf(true);
    const failed = resultOf(false);
    reporter.add(passed);
    const addedAt = Date.now();
    reporter.add(failed);
    await until(() => controller.reports.length === 1, 'the failure’s report', 2000);
    // Well inside the 300 ms delay a pass would have waited.
    expect(Date.now() - addedAt).toBeLessThan(100);
    expect(controller.reports[0]?.map((result) => result.run_id)).toEqual([passed.run_id, failed.run_id]);
  });

  it('goes back to batching passes once the failure is sent', async () => {
    reporter.add(resultOf(false));
    await until(() => controller.reports.length === 1, 'the failure’s report', 2000);
    reporter.add(resultOf(true));
    await sleep(150);
    expect(controller.reports).toHaveLength(1);
    await until(() => controller.reports.length === 2, 'the pass after its delay', 2000);
  });

  it('sends a recovery at once: the first pass of a check after its failure; the next pass waits again', async () => {
    const failed = resultOf(false);
    const again = (ok: boolean, extra: Partial<ReportedResult> = {}): ReportedResult => ({ ...failed, ...extra, ok, run_id: resultOf(ok).run_id });
    reporter.add(failed);
    await until(() => controller.reports.length === 1, 'the failure’s report', 2000);
    const recoveredAt = Date.now();
    reporter.add(again(true));
    await until(() => controller.reports.length === 2, 'the recovery’s report', 2000);
    expect(Date.now() - recoveredAt).toBeLessThan(100);
    reporter.add(again(true));
    await sleep(150);
    expect(controller.reports).toHaveLength(2);
    await until(() => controller.reports.length === 3, 'the pass after its delay', 2000);
  });

  it('sends a degradation at once, not the degraded results after it, and an inconclusive failure changes nothing', async () => {
    const passed = resultOf(true);
    const next = (extra: Partial<ReportedResult>): ReportedResult => ({ ...passed, ok: true, ...extra, run_id: resultOf(true).run_id });
    const degradedAt = Date.now();
    reporter.add(next({ degraded: true }));
    await until(() => controller.reports.length === 1, 'the degradation’s report', 2000);
    expect(Date.now() - degradedAt).toBeLessThan(100);
    reporter.add(next({ degraded: true }));
    reporter.add(next({ ok: false, inconclusive: true }));
    await sleep(150);
    expect(controller.reports).toHaveLength(1);
    await until(() => controller.reports.length === 2, 'the held results after their delay', 2000);
    expect(controller.reports[1]).toHaveLength(2);
  });

  it('sends a failure that comes while a report is on its way right after that report', async () => {
    const first = resultOf(false);
    const second = resultOf(false);
    const addedAt = Date.now();
    reporter.add(first);
    // The first report is in flight (the fake answers on a later tick): this one must not wait for the delay.
    reporter.add(second);
    await until(() => controller.stored.size === 2, 'both failures', 2000);
    expect(Date.now() - addedAt).toBeLessThan(100);
    expect(controller.reports).toHaveLength(2);
    expect(controller.reports.flat().map((result) => result.run_id)).toEqual([first.run_id, second.run_id]);
  });

  it('holds an inconclusive failure like a pass: no alert waits on it', async () => {
    reporter.add({ ...resultOf(false), inconclusive: true });
    await sleep(150);
    expect(controller.reports).toHaveLength(0);
    await until(() => controller.reports.length === 1, 'the delayed report', 2000);
  });
});

describe('the reporter when the spool cannot be written', () => {
  const { logger } = createCapturedLogger({ level: 'debug' });

  it('drops the batch, counts it, and reports again once the controller answers', async () => {
    const controller = new FakeController();
    const memory = createMemorySpool({ maxResults: 100, logger });
    // A disk spool on a full disk: every append throws, as openDiskSpool's does on ENOSPC.
    const spool: Spool = {
      ...memory,
      append: () => Promise.reject(new SpoolWriteError('cannot write to the spool: ENOSPC', 'ENOSPC', 0)),
    };
    const registry = new Registry();
    const metrics: AgentMetrics = agentMetrics(registry, { inFlight: () => 0, spooled: () => spool.size(), concurrency: () => 1, behind: () => false });
    const reporter = new Reporter({ link: controller, spool, logger, metrics, batchSize: 50, delayMs: 10, backoff: createBackoff({ initialMs: 50, maxMs: 50 }) });
    const dropped = async () => (await metrics.resultsDropped.get()).values.find((value) => value.labels.reason === 'spool_unwritable')?.value ?? 0;
    try {
      controller.failing = { failure: 'unavailable', message: 'down' };
      reporter.add(resultOf(false));
      reporter.add(resultOf(false));
      await until(async () => (await dropped()) >= 1, 'the first batch dropped', 2000);
      // flush rejected with an unhandled SpoolWriteError before: now it settles, and the runner goes on.
      await reporter.flush();
      reporter.add(resultOf(false));
      await until(async () => (await dropped()) === 3, 'every refused result counted', 2000);
      expect(spool.size()).toBe(0);

      controller.failing = undefined;
      // Results that come within the retry delay still meet the full spool; the first after it goes through.
      await until(
        () => {
          reporter.add(resultOf(false));
          return controller.reports.length > 0;
        },
        'a later result reported',
        2000,
      );
    } finally {
      await reporter.stop();
    }
  });
});
