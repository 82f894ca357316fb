import { MAX_REPORT_BATCH, RUNNER_STALE_AFTER_S } from '@vigil/contracts';
import { type Database, RESULTS_CHANNEL } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { sharedCounter } from '@vigil/metrics';
import { type SweepHealth, startWorkerLoop } from '@vigil/worker-loop';
import type { Registry } from 'prom-client';
import { closeRetiredChecks } from './close-retired';
import { evaluatePending } from './evaluate-pending';
import { freshnessSweeper } from './freshness-sweep';
import { sweepHeartbeats } from './heartbeat-sweep';
import { resultsPending, sweepsDue } from './probes';
import { sweepRunners } from './runner-offline';
import { DEFAULT_SLO_INTERVAL_MS, sweepSlo } from './slo-sweep';

/** See {@link EvaluatorServiceOptions.wakeSpacingMs}. */
export const DEFAULT_WAKE_SPACING_MS = 50;

/**
 * See {@link EvaluatorServiceOptions.pollIntervalMs}. Every writer of results NOTIFYs (the runner
 * API, heartbeat pings, the heartbeat sweep) and a LISTEN connection that comes back looks at
 * once, so the poll only covers a notification lost on a connection that died silently. Each
 * poll wakes the process and costs a statement: once a second was a fifth of an idle
 * evaluator's CPU and of its database backend's.
 */
export const DEFAULT_EVALUATOR_POLL_MS = 5_000;

/**
 * Checks per transaction of a pass: a whole report (MAX_REPORT_BATCH, 500 results), so that a
 * report a little over 200 results (two seconds of 2,000 checks every 20 s) is one transaction,
 * not a full one and a second for the few left over, each paying the claim, the loads, the
 * writes and the commit.
 */
export const CHECKS_PER_PASS_TRANSACTION = MAX_REPORT_BATCH;

export interface EvaluatorServiceOptions {
  db: Database;
  logger: Logger;
  metrics: Registry;
  /** `VIGIL_DB_WRITES=off`: evaluate and log, write nothing. */
  readOnly: boolean;
  /** How often it looks for results when no NOTIFY wakes it (default DEFAULT_EVALUATOR_POLL_MS, 5 s). */
  pollIntervalMs?: number;
  /**
   * A NOTIFY runs a step no sooner than this long after the previous step started (default 50 ms):
   * in steady state every stored report notifies, and a pass per report pays the fixed cost of a
   * pass (claim, loads, writes, commit) for a few results. Bounded so that detection stays fast: a
   * result waits at most this long more, and only while results keep coming.
   */
  wakeSpacingMs?: number;
  /** Checks per step (default 800). */
  maxChecks?: number;
  /** Batches of checks evaluated at once (default 4). */
  concurrency?: number;
  /**
   * How often disabled and deleted checks, silent runners, and checks whose locations went stale
   * are looked for (default 5 s: small beside any freshness window, 2 intervals + timeout + 10 s).
   */
  sweepIntervalMs?: number;
  /** A runner silent this long is stale, and offline (VIGIL_RUNNER_STALE_AFTER_S; default RUNNER_STALE_AFTER_S of contracts). */
  runnerStaleAfterMs?: number;
  /** How often the SLO burn-rate job looks at the sites with a target (default 60 s). */
  sloIntervalMs?: number;
  /** Told of every step of both loops (/readyz, the sweep gauges, the heartbeat). */
  health?: SweepHealth;
}

export interface EvaluatorService {
  /** Finishes the check in hand, then stops listening and looking. */
  stop(): Promise<void>;
  /** Resolves after the next completed step (tests). */
  nextStep(): Promise<void>;
}

/**
 * The evaluator at work: woken by the runner API's NOTIFY when results are stored, polling
 * meanwhile (a wake-up can be lost, and PGlite only hears its own process), evaluating one
 * batch of checks per transaction, several batches at once; beside it, every few seconds, it
 * closes the events of checks that were disabled or deleted, opens or closes runner_offline events,
 * and turns unknown the checks whose fresh, conclusive locations fell below their quorum.
 */
export async function startEvaluator(options: EvaluatorServiceOptions): Promise<EvaluatorService> {
  const { db, logger, readOnly, pollIntervalMs = DEFAULT_EVALUATOR_POLL_MS, maxChecks = 800, sweepIntervalMs = 5_000, runnerStaleAfterMs: staleAfterMs = RUNNER_STALE_AFTER_S * 1000 } = options;
  const evaluated = sharedCounter(options.metrics, { name: 'vigil_evaluator_results_evaluated_total', help: 'Results evaluated (strikes, quorum, lifecycle)' });
  const transitions = sharedCounter(options.metrics, { name: 'vigil_evaluator_transitions_total', help: 'Event changes written, each with its audit row' });
  const failures = sharedCounter(options.metrics, { name: 'vigil_evaluator_check_failures_total', help: 'Checks whose evaluation failed and rolled back' });

  const loop = startWorkerLoop({
    name: 'evaluator',
    logger,
    health: options.health,
    pollIntervalMs,
    wakeSpacingMs: options.wakeSpacingMs ?? DEFAULT_WAKE_SPACING_MS,
    // Polled passes look first: an idle evaluator pays one statement a poll, not a transaction.
    probe: () => resultsPending(db),
    step: async () => {
      const counts = await evaluatePending(db, { maxChecks, readOnly, logger, concurrency: options.concurrency ?? 4, checksPerTransaction: CHECKS_PER_PASS_TRANSACTION });
      evaluated.inc(counts.results);
      transitions.inc(counts.transitions);
      failures.inc(counts.failed);
      // Read-only mode marks nothing, so the same results would be "more" forever.
      const more = !readOnly && counts.checks + counts.failed >= maxChecks;
      // A check that cannot be evaluated (a corrupt page, say) is alerting that has stopped: a failed sweep.
      if (counts.failed === 0) return { more };
      return { more, failure: `${counts.failed} of ${counts.checks + counts.failed} checks could not be evaluated ("check evaluation failed" in the log)` };
    },
  });
  // Incremental between full passes (FRESHNESS_FULL_PASS_MS): most passes read only the states that just went stale.
  const sweepFresh = freshnessSweeper();
  // Beside the results, not before them: a sweep must not delay the evaluation of what just
  // arrived. They never touch the same check at once (both claim its row), and a disabled
  // check's late results are only taken off the queue.
  const sweeps = startWorkerLoop({
    name: 'evaluator sweep',
    logger,
    health: options.health,
    pollIntervalMs: sweepIntervalMs,
    step: async () => {
      // One statement says which of the first two has anything to do; the freshness sweep is one statement when it has not.
      const due = await sweepsDue(db, new Date(), staleAfterMs);
      const retired = due.retired ? await closeRetiredChecks(db, { maxChecks, readOnly, logger }) : { closed: 0 };
      const runners = due.runners ? await sweepRunners(db, { readOnly, logger, staleAfterMs }) : { opened: 0, closed: 0 };
      // After the runners: a spell opened for silent locations then names their runner_offline.
      const stale = await sweepFresh(db, { maxChecks, readOnly, logger });
      // Late heartbeats become failed results, which the evaluation above turns into events.
      await sweepHeartbeats(db, { maxChecks, readOnly, logger });
      transitions.inc(retired.closed + runners.opened + runners.closed + stale.opened);
      return { more: false };
    },
  });
  // The burn-rate job (issue 16): its windows are minutes to days long, once a minute is enough. The
  // loop steps at the sweeps' pace all the same (a step that is not due does nothing), so that the
  // heartbeat, which wants every loop to have stepped within 30 s, hears from it.
  const sloIntervalMs = options.sloIntervalMs ?? DEFAULT_SLO_INTERVAL_MS;
  let sloDueAt = 0;
  const slo = startWorkerLoop({
    name: 'evaluator slo',
    logger,
    health: options.health,
    pollIntervalMs: Math.min(sweepIntervalMs, sloIntervalMs),
    step: async () => {
      if (Date.now() < sloDueAt) return { more: false };
      sloDueAt = Date.now() + sloIntervalMs;
      const burns = await sweepSlo(db, { readOnly, logger });
      transitions.inc(burns.opened + burns.closed + burns.changed);
      return { more: false };
    },
  });
  const unlisten = await db.listen(RESULTS_CHANNEL, () => loop.wake());
  logger.info(readOnly ? 'evaluating in read-only mode: nothing is written (VIGIL_DB_WRITES=off)' : 'evaluating results as they arrive', {
    pollIntervalMs,
    maxChecks,
  });
  return {
    async stop() {
      await unlisten();
      await Promise.all([loop.stop(), sweeps.stop(), slo.stop()]);
    },
    nextStep: () => loop.nextStep(),
  };
}

/** The evaluator's settings as the environment names them (`evaluatorEnv`, `dbWritesEnv` in @vigil/config). */
export interface EvaluatorSettings {
  VIGIL_DB_WRITES: boolean;
  VIGIL_RUNNER_STALE_AFTER_S: number;
}

/** What the evaluator app and the all-in-one pass to `startEvaluator` from their config. */
export function evaluatorOptionsFrom(config: EvaluatorSettings): Pick<EvaluatorServiceOptions, 'readOnly' | 'runnerStaleAfterMs'> {
  return { readOnly: !config.VIGIL_DB_WRITES, runnerStaleAfterMs: config.VIGIL_RUNNER_STALE_AFTER_S * 1000 };
}
