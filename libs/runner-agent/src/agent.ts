import {
  isInconclusive,
  MAX_POLL_LIMIT,
  MAX_POLL_LOOKAHEAD_MS,
  MAX_REPORT_BATCH,
  type ReportedResult,
  type RunnerConnectivity,
  type RunSpec,
} from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';
import type { Logger } from '@vigil/logger';
import { type ProbeContext, type ProbeResult, type ProbeRun, runProbe } from '@vigil/probes';
import type { Registry } from 'prom-client';
import { agentMetrics, type AgentMetrics } from './agent-metrics';
import { type Backoff, createBackoff } from './backoff';
import { type ControllerLink, LinkError } from './link/controller-link';
import { initialKeepUp, type KeepUpEvent, type KeepUpWindow, lateThresholdMs, loadHeaderValue, nextKeepUp } from './keep-up';
import { Reporter } from './reporter';
import { RunQueue } from './run-queue';
import type { Spool } from './spool';
import { toProbeRun } from './to-probe-run';

export type PollMode = 'periodic' | 'drain';

const MAX_UNAVAILABLE_WAIT_MS = 30_000;
/** How often the agent judges whether it keeps up (see keep-up.ts). */
const KEEP_UP_WINDOW_MS = 10_000;

/**
 * How long a passing result waits for others to share its report (VIGIL_REPORT_DELAY_MS's
 * default). Each report costs the controller a request and a statement, the database a NOTIFY,
 * and the evaluator a pass whatever it holds, so passes wait two seconds: at 2,000 checks every
 * 20 s (100 results a second) that halves those fixed costs against one second (a full batch,
 * 500, still goes at once). Failures, which alerts wait on, and results that change their
 * check's standing (a recovery, a degradation: see Reporter) are sent at once, and two seconds
 * are small beside the freshness window (2 intervals + timeout + 10 s, 30 s at least). Five
 * seconds (full reports of 500 at 2,000 checks) halved the evaluator's passes, but in the steady
 * bench on a loaded machine the controller's PostgreSQL backends measured busier with it (the
 * lease's mean 18 -> 48-66 ms): not settled, so two seconds stay.
 */
export const DEFAULT_REPORT_DELAY_MS = 2000;

/**
 * How far ahead a poll leases runs by default: a little more than the wait until the next
 * poll, so a run falling due before then is already here and starts at its due time.
 */
export function defaultLookaheadMs(pollIntervalMs: number): number {
  return Math.min(MAX_POLL_LOOKAHEAD_MS, Math.ceil(pollIntervalMs * 1.2));
}

export interface RunnerAgentOptions {
  link: ControllerLink;
  spool: Spool;
  logger: Logger;
  metrics: Registry;
  /** `Vigil/<version> (+runner <slug>)`, sent by every probe unless its check sets its own. */
  userAgent: string;
  /** The egress policy every probe of this runner obeys (its own settings, or the controller's for `@controller`). */
  egress: EgressGuard;
  pollMode: PollMode;
  pollIntervalMs: number;
  /** How far ahead of their due time polls lease runs (0–5000 ms); default defaultLookaheadMs(pollIntervalMs). */
  lookaheadMs?: number;
  /** Runs at once: where it starts, and the floor it comes back down to. */
  concurrency: number;
  /**
   * The most runs at once it may rise to while its runs start late or its leases run out
   * unrun (VIGIL_CONCURRENCY_MAX); default `concurrency`: it never rises, but still says it is behind.
   */
  concurrencyMax?: number;
  /** How often it judges whether it keeps up; tests shorten it. */
  keepUpWindowMs?: number;
  reportBatchSize?: number;
  /** How long a passing result waits to share its report (VIGIL_REPORT_DELAY_MS); default DEFAULT_REPORT_DELAY_MS. */
  reportDelayMs?: number;
  /**
   * What this runner's canaries say of its own network (a ConnectivityMonitor's). While
   * `impaired`, failing results are reported inconclusive; unset: always trusted (the
   * controller's own location, whose network is the controller's).
   */
  connectivity?: () => RunnerConnectivity;
  /** The probes; tests pass their own. */
  probe?: (run: ProbeRun, context: ProbeContext) => Promise<ProbeResult>;
  /** Waits after failed polls (unreachable, refused key); tests shorten them. */
  pollBackoff?: Backoff;
  reportBackoff?: Backoff;
}

export interface RunnerAgent {
  /**
   * Stops polling, lets runs in flight finish for up to `deadlineMs`, abandons the rest
   * (their leases run out and the controller hands them out again), then sends or spools
   * every result. Never rejects.
   */
  stop(deadlineMs?: number): Promise<void>;
  /** When a poll last succeeded. */
  readonly lastPollAt: Date | undefined;
  readonly inFlight: number;
  /** Results not yet answered for by the controller. */
  readonly backlog: number;
  /** Runs at once now: `concurrency`, or more while it was behind. */
  readonly concurrency: number;
  /** What it sends in the Vigil-Load header: `ok` or `behind`, and its concurrency. */
  loadHeader(): string;
}

/**
 * Leases runs from the controller, probes them (at most `concurrency` at once, each started
 * at its due time as soon as a slot is free) and reports their results through a Reporter.
 * Polls lease runs falling due within `lookaheadMs` too, so that a run due between two
 * polls starts at its due time rather than at the next poll; it waits here until then.
 *
 * - periodic: every interval, poll until the runs in flight or waiting for a slot reach
 *   twice the concurrency or the controller has no more (runs waiting for their due time
 *   are not counted: the lookahead bounds them); when the bound stopped it, poll again as
 *   soon as half of that backlog is done rather than at the next interval. A run already
 *   here is skipped by (check_id, run_id).
 * - drain: poll again once no run waits for a slot and at least half the slots are free
 *   (counting the runs waiting for their due time as taken); after a poll that found
 *   nothing, wait an interval.
 *
 * No poll happens while results wait in the spool: the runs they belong to are still
 * leased to this runner, and reporting them before leasing more keeps them from being
 * leased again (and then refused) after a long outage.
 */
export function startRunnerAgent(options: RunnerAgentOptions): RunnerAgent {
  const { link, spool, logger, pollMode, pollIntervalMs, userAgent, egress, probe = runProbe } = options;
  const lookaheadMs = Math.min(MAX_POLL_LOOKAHEAD_MS, Math.max(0, Math.round(options.lookaheadMs ?? defaultLookaheadMs(pollIntervalMs))));
  const keepUpBounds = { min: options.concurrency, max: Math.max(options.concurrency, options.concurrencyMax ?? options.concurrency) };
  let keepUp = initialKeepUp(keepUpBounds);
  let keepUpWindow: KeepUpWindow = { started: 0, late: 0, expired: 0, peakInFlight: 0 };
  const lateAfterMs = lateThresholdMs(pollIntervalMs, lookaheadMs);
  const keepUpWindowMs = options.keepUpWindowMs ?? KEEP_UP_WINDOW_MS;
  const pollBackoff = options.pollBackoff ?? createBackoff({ initialMs: Math.max(1000, pollIntervalMs), maxMs: 300_000 });
  // One controller per run in flight: a signal shared by a thousand runs makes every listener
  // added to it cost more. Making one costs more than the rest of a run's bookkeeping (an
  // AbortSignal is an EventTarget), so a run that ends without an abort hands its controller
  // to a later run: every probe removes its listener when it settles.
  const aborters = new Set<AbortController>();
  const spareAborters: AbortController[] = [];
  const metrics: AgentMetrics = agentMetrics(options.metrics, {
    inFlight: () => queue.inFlight,
    spooled: () => spool.size(),
    concurrency: () => keepUp.concurrency,
    behind: () => keepUp.behind,
  });
  const reporter = new Reporter({
    link,
    spool,
    logger,
    metrics,
    batchSize: Math.min(options.reportBatchSize ?? MAX_REPORT_BATCH, MAX_REPORT_BATCH),
    delayMs: options.reportDelayMs ?? DEFAULT_REPORT_DELAY_MS,
    backoff: options.reportBackoff,
  });

  let stopping = false;
  let lastPollAt: Date | undefined;
  let polling = false;
  let timer: NodeJS.Timeout | undefined;
  let currentPoll: Promise<void> | undefined;
  let lastFailure: string | undefined;

  async function execute(spec: RunSpec): Promise<void> {
    const startedAt = Date.now();
    metrics.runsStarted.inc({ type: spec.type });
    keepUpWindow.started += 1;
    keepUpWindow.peakInFlight = Math.max(keepUpWindow.peakInFlight, queue.inFlight);
    // Late by this runner's clock against the controller's due time (both kept by NTP).
    if (startedAt - Date.parse(spec.due_at) > lateAfterMs) {
      keepUpWindow.late += 1;
      metrics.runsLate.inc();
    }
    const parsed = toProbeRun(spec);
    let result: ProbeResult;
    const aborter = spareAborters.pop() ?? new AbortController();
    if (parsed.ok) {
      aborters.add(aborter);
      try {
        result = await probe(parsed.run, { userAgent, egress, signal: aborter.signal });
      } catch (error) {
        // A probe answers every failure with a result; a throw is a bug, not the endpoint's fault.
        logger.error('a probe failed unexpectedly; the run is not reported', { check_id: spec.check_id, err: error });
        return;
      } finally {
        aborters.delete(aborter);
      }
    } else {
      result = { ok: false, error_code: 'INVALID_SPEC', error: `this runner cannot run the check: ${parsed.problem}`.slice(0, 2000) };
    }
    // An aborted run measured nothing about the endpoint; its lease runs out and it runs again.
    if (aborter.signal.aborted) return;
    if (spareAborters.length < keepUpBounds.max) spareAborters.push(aborter);
    // Judged when the probe ends: a failure seen while the canaries fail says nothing of the target.
    // A probe may say so itself (icmp without a usable ping).
    const inconclusive = isInconclusive({
      ok: result.ok,
      error_code: result.error_code,
      inconclusive: result.inconclusive === true || options.connectivity?.() === 'impaired',
    });
    metrics.runsFinished.inc({ type: spec.type, outcome: inconclusive ? 'inconclusive' : result.ok ? 'ok' : 'failed' });
    metrics.probeSeconds.observe({ type: spec.type }, (Date.now() - startedAt) / 1000);
    const reported: ReportedResult = {
      run_id: spec.run_id,
      check_id: spec.check_id,
      checked_at: new Date(startedAt).toISOString(),
      ...result,
      ...(inconclusive ? { inconclusive: true } : {}),
    };
    reporter.add(reported);
  }

  const queue = new RunQueue(keepUp.concurrency, execute, () => {
    if (!polling && refillNow()) schedule(0);
  });

  /**
   * Periodic mode: the last poll stopped at the backlog's bound, not because the controller
   * had no more. Those runs are overdue; waiting for the next interval to lease more capped
   * a runner at twice its concurrency per interval however fast its probes were.
   */
  let moreDue = false;

  /** Whether a run finishing is the moment to poll before the interval is up. */
  function refillNow(): boolean {
    if (pollMode === 'drain') return wanted() > 0;
    return moreDue && wanted() >= Math.min(queue.slots, MAX_POLL_LIMIT);
  }

  /** How many runs to ask for now; 0 when this is not the moment. */
  function wanted(): number {
    const concurrency = queue.slots;
    // Runs waiting for their due time take no slot and are bounded by the lookahead: counting
    // them against the backlog capped each poll at twice the concurrency, so a runner with 100
    // slots leased at most 200 runs a second however idle its slots were.
    if (pollMode === 'periodic') return Math.min(MAX_POLL_LIMIT, 2 * concurrency - queue.inFlight - (queue.queued - queue.delayed));
    const free = queue.freeSlots - queue.delayed;
    if (queue.queued > queue.delayed || free < Math.ceil(concurrency / 2)) return 0;
    return Math.min(MAX_POLL_LIMIT, free);
  }

  function schedule(delayMs: number): void {
    if (stopping || polling) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      currentPoll = pollNow();
    }, delayMs);
  }

  function onPollFailure(error: unknown): number {
    const failure = error instanceof LinkError ? error.failure : 'unavailable';
    const message = error instanceof Error ? error.message : String(error);
    metrics.pollFailures.inc({ failure });
    // An unreachable controller is tried at least every 30 s, so the runner is back soon after it;
    // a refused key needs a person, and waits up to the backoff's own bound.
    const backoffMs = failure === 'unavailable' ? Math.min(MAX_UNAVAILABLE_WAIT_MS, pollBackoff.next()) : pollBackoff.next();
    const waitMs = Math.max(error instanceof LinkError ? (error.retryAfterMs ?? 0) : 0, backoffMs);
    const line = `cannot poll the controller; trying again in ${Math.round(waitMs / 1000)} s: ${message}`;
    if (failure !== 'unavailable') logger.error(line, { failure });
    else if (lastFailure !== message) logger.warn(line, { failure });
    else logger.debug(line, { failure });
    lastFailure = message;
    return waitMs;
  }

  async function pollNow(): Promise<void> {
    if (stopping || polling) return;
    polling = true;
    let nextInMs = pollIntervalMs;
    try {
      if (!reporter.caughtUp) {
        // Results first: see the note on startRunnerAgent.
        await reporter.flush();
        nextInMs = Math.min(pollIntervalMs, 1000);
        return;
      }
      let limit = wanted();
      while (limit > 0 && !stopping) {
        const runs = await link.poll(limit, lookaheadMs);
        // Runs leased after stop() are left to their leases: starting them now would delay the exit.
        if (stopping) break;
        lastPollAt = new Date();
        metrics.lastSuccessfulPoll.set(lastPollAt.getTime() / 1000);
        if (pollBackoff.attempts > 0) logger.info('the controller answers polls again', { failedPolls: pollBackoff.attempts });
        pollBackoff.reset();
        lastFailure = undefined;
        const expired = runs.filter((run) => run.previous_lease_expired === true).length;
        if (expired > 0) {
          keepUpWindow.expired += expired;
          metrics.leasesExpired.inc(expired);
        }
        const skipped = queue.push(runs);
        if (skipped > 0) metrics.runsSkipped.inc(skipped);
        if (runs.length < limit) {
          moreDue = false;
          break;
        }
        if (pollMode === 'drain') {
          // More may be due: ask again as soon as half the slots are free (the queue's callback).
          nextInMs = wanted() > 0 ? 0 : pollIntervalMs;
          break;
        }
        limit = wanted();
        // More may be due: ask again once half the backlog is done (the queue's callback).
        if (limit <= 0) moreDue = true;
      }
    } catch (error) {
      nextInMs = onPollFailure(error);
    } finally {
      polling = false;
      schedule(nextInMs);
    }
  }

  /** Says what changed: one warning when an episode of falling behind starts, info for the rest. */
  function tell(event: KeepUpEvent): void {
    const bound = keepUpBounds.max;
    switch (event.kind) {
      case 'fell_behind': {
        const why =
          event.to > event.from
            ? `concurrency ${event.from} → ${event.to}`
            : event.from >= bound
              ? `concurrency ${event.from}, at its bound (VIGIL_CONCURRENCY_MAX ${bound})`
              : `concurrency ${event.from}, not raised: its slots were not full, so more would not help (CPU? the controller?)`;
        logger.warn(`falling behind: ${event.missed} runs started late or leases expired unrun in the last ${Math.round(keepUpWindowMs / 1000)} s; ${why}`, {
          missed: event.missed,
          concurrency: event.to,
        });
        return;
      }
      case 'raised':
        logger.info(`still behind: ${event.missed} runs started late or leases expired unrun; concurrency ${event.from} → ${event.to}`, { concurrency: event.to });
        return;
      case 'caught_up':
        logger.info(`caught up: no run started late in the last ${Math.round(keepUpWindowMs / 1000)} s; concurrency ${event.concurrency}`, { concurrency: event.concurrency });
        return;
      case 'lowered':
        logger.debug(`idle: concurrency ${event.from} → ${event.to}`, { concurrency: event.to });
    }
  }

  const keepUpTimer = setInterval(() => {
    const window = keepUpWindow;
    keepUpWindow = { started: 0, late: 0, expired: 0, peakInFlight: queue.inFlight };
    const next = nextKeepUp(keepUp, window, keepUpBounds);
    keepUp = next.state;
    queue.setConcurrency(keepUp.concurrency);
    if (next.event) tell(next.event);
  }, keepUpWindowMs);
  keepUpTimer.unref();

  logger.info(`polling ${pollMode === 'drain' ? 'when idle' : `every ${pollIntervalMs} ms`}, ${keepUp.concurrency} runs at once`, {
    pollMode,
    pollIntervalMs,
    lookaheadMs,
    concurrency: keepUp.concurrency,
    concurrencyMax: keepUpBounds.max,
    spooled: spool.size(),
  });
  schedule(0);

  let stopped: Promise<void> | undefined;
  return {
    stop(deadlineMs = 10_000) {
      stopped ??= (async () => {
        stopping = true;
        clearTimeout(timer);
        clearInterval(keepUpTimer);
        await currentPoll;
        const dropped = queue.dropWaiting();
        const finished = await Promise.race([
          queue.whenIdle().then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref()),
        ]);
        if (!finished) {
          logger.warn(`abandoning ${queue.inFlight} runs still in flight after ${deadlineMs} ms; the controller will hand them out again`);
          for (const aborter of aborters) aborter.abort();
          await queue.whenIdle();
        }
        if (dropped > 0) logger.info(`${dropped} leased runs were not started; the controller will hand them out again`);
        await reporter.stop().catch((error: unknown) => logger.error('results could not be flushed', { err: error }));
        await spool.close().catch((error: unknown) => logger.error('the spool did not close cleanly', { err: error }));
      })();
      return stopped;
    },
    get lastPollAt() {
      return lastPollAt;
    },
    get inFlight() {
      return queue.inFlight;
    },
    get backlog() {
      return reporter.backlog;
    },
    get concurrency() {
      return keepUp.concurrency;
    },
    loadHeader() {
      return loadHeaderValue(keepUp);
    },
  };
}
