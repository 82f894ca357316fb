import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@vigil/db';
import { evaluatePending, type EvaluationCounts, type EvaluationLogger } from '@vigil/evaluation';

export interface EvaluationTotals {
  /** evaluatePending calls that evaluated something. */
  readonly batches: number;
  readonly checks: number;
  readonly results: number;
  readonly transitions: number;
  /** Checks whose evaluation failed and rolled back (each evaluated again by a later call). */
  readonly failed: number;
}

export interface EvaluateUntilDoneOptions {
  readonly logger: EvaluationLogger;
  /** Checks per evaluatePending call (default 20). */
  readonly batchChecks?: number;
  /** Called after every call that evaluated something. */
  readonly onBatch?: (counts: EvaluationCounts, totals: EvaluationTotals) => void;
  /** Gives up after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** While this says so, nothing pending is no reason to stop: more results are being stored. */
  readonly moreComing?: () => boolean;
}

/**
 * Calls evaluatePending until no result is pending, as an evaluator process's loop does. When
 * nothing is claimable but results are still pending, another evaluator (or a dead one's
 * transaction the server has not rolled back yet) holds their check: it waits and asks again.
 * A check whose evaluation failed stays pending and is evaluated again by the next call, as in
 * the evaluator service; the failures are counted, for the tests to expect none.
 */
export async function evaluateUntilDone(db: Pick<Database, 'prisma'>, options: EvaluateUntilDoneOptions): Promise<EvaluationTotals> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let totals: EvaluationTotals = { batches: 0, checks: 0, results: 0, transitions: 0, failed: 0 };
  for (;;) {
    const counts = await evaluatePending(db, { maxChecks: options.batchChecks ?? 20, readOnly: false, logger: options.logger });
    if (counts.checks > 0 || counts.failed > 0) {
      totals = {
        batches: totals.batches + 1,
        checks: totals.checks + counts.checks,
        results: totals.results + counts.results,
        transitions: totals.transitions + counts.transitions,
        failed: totals.failed + counts.failed,
      };
      options.onBatch?.(counts, totals);
      if (counts.checks > 0) continue;
    }
    // Asked before counting: once no more is coming, the last results are already stored.
    const moreComing = options.moreComing?.() === true;
    const pending = await db.prisma.pendingResult.count();
    if (pending === 0 && !moreComing) return totals;
    if (Date.now() > deadline) throw new Error(`${pending} results are still pending but no check can be claimed`);
    await sleep(20);
  }
}
