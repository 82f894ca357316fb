// A runner agent against a real controller-api (over HTTP, on PGlite) that goes away for a
// while and comes back at the same address: every run the runner finished must end up in
// check_results exactly once, whether the runner kept running meanwhile or was restarted too.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportItemOutcome } from '@vigil/contracts';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '@vigil/controller/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import {
  createBackoff,
  createHttpLink,
  openDiskSpool,
  type PollMode,
  type RunnerAgent,
  runnerUserAgent,
  type Spool,
  startRunnerAgent,
} from '@vigil/runner-agent';
import { Registry } from 'prom-client';
import { metricTotal } from './support/metric-total';
import { type AnsweredResults, recordingLink } from './support/recording-link';
import { type RestartableServer, serveRestartably } from './support/restartable-server';
import { startTargetServer, type TargetServer } from './support/target-server';
import { until } from './support/until';
import { loopbackEgress } from '@vigil/egress/testing';

const CHECKS = 20;
/** Slow enough that runs are still in flight when the controller is cut off. */
const TARGET_DELAY_MS = 300;
const SPOOL_MAX_BYTES = 16 * 1024 * 1024;

interface StartedAgent {
  agent: RunnerAgent;
  spool: Spool;
  metrics: Registry;
}

/** One runner location with its checks, its controller server, its target and its spool directory. */
interface Scenario {
  runner: HarnessRunner;
  controller: RestartableServer;
  target: TargetServer;
  spoolDir: string;
  /** Every outcome the controller answered any of this scenario's agents with. */
  answered: AnsweredResults;
  agents: StartedAgent[];
  openSpool(): Promise<Spool>;
  startAgent(pollMode: PollMode, spool: Spool): StartedAgent;
  /** How many results of this runner's location the database holds. */
  storedCount(): Promise<number>;
  stopMakingRunsDue(): Promise<void>;
}

const runKey = (run: { check_id: string; run_id: string }): string => `${run.check_id}/${run.run_id}`;

describe('a runner against a real controller-api on PGlite', () => {
  let harness: ControllerHarness;
  const log = createCapturedLogger({ level: 'warn' });
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    harness = await createControllerHarness('embedded');
  });
  afterAll(() => harness?.dispose());

  afterEach(async () => {
    // Last made, first undone: agents stop before the servers they talk to.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function createChecks(controller: RestartableServer, target: TargetServer, slug: string): Promise<void> {
    const post = async (route: string, body: object): Promise<{ id: string }> => {
      const response = await fetch(`${controller.url}${route}`, {
        method: 'POST',
        headers: { authorization: harness.admin, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { id: string };
      expect({ status: response.status, answer }).toEqual({ status: 201, answer: expect.objectContaining({ id: expect.any(String) }) });
      return answer;
    };
    const site = await post('/api/v1/sites', { name: `e2e ${slug}` });
    for (let index = 0; index < CHECKS; index += 1) {
      await post('/api/v1/checks', {
        site_id: site.id,
        type: 'http',
        target: `${target.url}/checks/${index}`,
        spec: { expected_statuses: [200] },
        interval_s: 10,
        timeout_ms: 2_000,
        locations: [slug],
      });
    }
  }

  /**
   * The shortest interval is 10 s; to get many runs in a few seconds, runs whose result was
   * accepted (stored for the state's lease_run_id) are made due again every 100 ms, their lease
   * cleared as whoever moves next_due_at earlier must. Leased runs are left alone: leasing them
   * again would make the runner's result for them `not_leased`.
   */
  function keepMakingRunsDue(slug: string): () => Promise<void> {
    let going = true;
    const loop = (async () => {
      while (going) {
        await harness.db.prisma.$executeRaw`
          UPDATE location_states ls SET next_due_at = now(), leased_until = NULL
          WHERE location = ${slug} AND next_due_at > now()
            AND (leased_until IS NULL OR EXISTS (
              SELECT 1 FROM check_results r WHERE r.check_id = ls.check_id AND r.run_id = ls.lease_run_id))`;
        await sleep(100);
      }
    })();
    return async () => {
      going = false;
      await loop;
    };
  }

  async function storedRuns(slug: string): Promise<Array<{ check_id: string; run_id: string }>> {
    return harness.db.prisma.$queryRaw`
      SELECT c.uuid::text AS check_id, r.run_id::text AS run_id
      FROM check_results r JOIN checks c ON c.id = r.check_id
      WHERE r.location = ${slug}`;
  }

  async function scenario(slug: string): Promise<Scenario> {
    const controller = await serveRestartably(harness.app);
    cleanups.push(() => controller.stop());
    const target = await startTargetServer({ delayMs: TARGET_DELAY_MS });
    cleanups.push(() => target.close());
    const spoolDir = await mkdtemp(path.join(os.tmpdir(), 'vigil-e2e-spool-'));
    cleanups.push(() => rm(spoolDir, { recursive: true, force: true }));
    const runner = await harness.addRunner(slug);
    await createChecks(controller, target, slug);
    const stopMakingRunsDue = keepMakingRunsDue(slug);
    cleanups.push(stopMakingRunsDue);

    const answered: AnsweredResults = [];
    const agents: StartedAgent[] = [];
    return {
      runner,
      controller,
      target,
      spoolDir,
      answered,
      agents,
      openSpool: () => openDiskSpool({ dir: spoolDir, maxBytes: SPOOL_MAX_BYTES, logger: log.logger }),
      startAgent(pollMode, spool) {
        const metrics = new Registry();
        const userAgent = runnerUserAgent(slug);
        const agent = startRunnerAgent({
          link: recordingLink(createHttpLink({ controllerUrl: controller.url, signer: runner.signer, userAgent }), answered),
          spool,
          logger: log.logger,
          metrics,
          userAgent,
          egress: loopbackEgress(),
          pollMode,
          pollIntervalMs: 200,
          concurrency: 5,
          reportDelayMs: 50,
          pollBackoff: createBackoff({ initialMs: 100, maxMs: 400 }),
          reportBackoff: createBackoff({ initialMs: 100, maxMs: 400 }),
        });
        cleanups.push(() => agent.stop(2_000));
        const started = { agent, spool, metrics };
        agents.push(started);
        return started;
      },
      async storedCount() {
        return (await storedRuns(slug)).length;
      },
      stopMakingRunsDue,
    };
  }

  /** Waits for results to flow, then cuts the controller off while runs are in flight, until some results are spooled. */
  async function cutOffMidRun(s: Scenario, { agent, spool }: StartedAgent): Promise<void> {
    await until(async () => (await s.storedCount()) >= 10, 'the first results to be stored');
    await until(() => agent.inFlight > 0, 'runs in flight');
    // No I/O can happen between the check above and this: the runs in flight finish after the cut.
    await s.controller.stop();
    await until(() => spool.size() > 0, 'results of the runs in flight to be spooled');
    expect(agent.backlog).toBeGreaterThan(0);
  }

  /** After the controller is back: the runner's results arrive and it leases and reports new runs. */
  async function expectRunsToFlowAgain(s: Scenario, { agent, spool }: StartedAgent): Promise<void> {
    await until(() => agent.backlog === 0 && spool.size() === 0, 'the spool to be replayed');
    const replayed = await s.storedCount();
    await until(async () => (await s.storedCount()) >= replayed + 10, 'runs leased after the restart to be stored');
  }

  /**
   * The database holds exactly one result for each run the runners finished, no more and
   * no fewer, and each was answered for once (accepted, or a duplicate when the answer to
   * the first report was cut off with the controller), never rejected nor dropped.
   */
  async function expectEveryResultStoredOnce(s: Scenario): Promise<void> {
    const total = async (name: string, labels?: Record<string, string>) => {
      let sum = 0;
      for (const { metrics } of s.agents) sum += await metricTotal(metrics, name, labels);
      return sum;
    };
    const finished = await total('vigil_runner_runs_finished_total');
    const stored = (await storedRuns(s.runner.slug)).map(runKey).sort();
    const answeredKeys = s.answered.map(runKey).sort();
    const outcomes = (outcome: ReportItemOutcome['outcome']) => s.answered.filter((answer) => answer.outcome === outcome).length;

    expect(finished).toBeGreaterThan(CHECKS);
    // Every probe request was one finished run: none was abandoned, none ran twice.
    expect(s.target.requests).toBe(finished);
    expect(stored).toHaveLength(finished);
    expect(new Set(stored).size).toBe(stored.length);
    expect(answeredKeys).toEqual(stored);
    expect({ rejected: outcomes('rejected'), answered: outcomes('accepted') + outcomes('duplicate') }).toEqual({
      rejected: 0,
      answered: finished,
    });
    expect({
      accepted: await total('vigil_runner_results_reported_total', { outcome: 'accepted' }),
      duplicate: await total('vigil_runner_results_reported_total', { outcome: 'duplicate' }),
      rejected: await total('vigil_runner_results_reported_total', { outcome: 'rejected' }),
      dropped: await total('vigil_runner_results_dropped_total'),
    }).toEqual({ accepted: outcomes('accepted'), duplicate: outcomes('duplicate'), rejected: 0, dropped: 0 });
    // A runner started now would find nothing left to send.
    const reopened = await s.openSpool();
    try {
      expect(reopened.size()).toBe(0);
    } finally {
      await reopened.close();
    }
  }

  it.each<PollMode>(['periodic', 'drain'])(
    'polling %s, stores each result exactly once when the controller is down for a while and restarts',
    async (pollMode) => {
      const s = await scenario(`e2e-outage-${pollMode}`);
      const started = s.startAgent(pollMode, await s.openSpool());

      await cutOffMidRun(s, started);
      // Down for a while: the runner keeps retrying its reports, and fails.
      await sleep(1_500);
      expect(started.spool.size()).toBeGreaterThan(0);

      await s.controller.start();
      await expectRunsToFlowAgain(s, started);

      await s.stopMakingRunsDue();
      await started.agent.stop();
      expect(started.agent.backlog).toBe(0);
      await expectEveryResultStoredOnce(s);
    },
  );

  it('stores each result exactly once when the runner is restarted too while the controller is down', async () => {
    const s = await scenario('e2e-runner-restart');
    const first = s.startAgent('periodic', await s.openSpool());

    await cutOffMidRun(s, first);
    await first.agent.stop();
    const left = first.agent.backlog;
    expect(left).toBeGreaterThan(0);

    // The next runner process finds its predecessor's results on disk…
    const spool = await s.openSpool();
    expect(spool.size()).toBe(left);
    await s.controller.start();
    // …and delivers them once the controller is back, before leasing new runs.
    const second = s.startAgent('periodic', spool);
    await expectRunsToFlowAgain(s, second);

    await s.stopMakingRunsDue();
    await second.agent.stop();
    expect(second.agent.backlog).toBe(0);
    await expectEveryResultStoredOnce(s);
  });
});
