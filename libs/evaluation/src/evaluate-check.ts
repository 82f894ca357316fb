import { sqlTx, type Transaction, type VigilTransaction } from '@vigil/db';
import { loadChecks } from './load-check';
import { loadSiteFacts } from './load-sites';
import type { EvaluationLogger } from './plan';
import { planCheck, projectionSteps } from './plan-check';
import { projectSites, sitesChecked } from './status-projection';
import { planWriter } from './writer';
import { writeRollups } from './write-rollups';

export interface EvaluateCheckOptions {
  /** Compute and log, write nothing (`VIGIL_DB_WRITES=off`): the results stay unevaluated. */
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** The evaluator's clock, for `updated_at` (tests pin it). */
  readonly now: () => Date;
}

export interface CheckEvaluation {
  readonly results: number;
  /** Event changes written (each with its audit row); 0 in read-only mode. */
  readonly transitions: number;
}

/**
 * Evaluates the pending results of one check whose row the caller's transaction has locked:
 * strikes per location, the quorum verdict and the event's transition after each result, then
 * the event writes, audit, outbox, status projections and the results' removal from the queue, all in that transaction.
 */
export function evaluateCheck(tx: VigilTransaction, checkId: number, options: EvaluateCheckOptions): Promise<CheckEvaluation> {
  return evaluateChecks(tx, [checkId], options);
}

/**
 * Evaluates the pending results of checks whose rows the caller's transaction has locked, each
 * as {@link evaluateCheck} does, all in that transaction: load (a few queries for the whole
 * batch), plan (pure), apply the event changes; then read the sites they touch, project them
 * (pure) and apply the projections, with the writer of the mode. The sites are locked after the
 * event rows are written, never before (ADR 0002): an evaluator holds a site's lock only for
 * the few statements that project it.
 */
export async function evaluateChecks(on: Transaction, checkIds: readonly number[], options: EvaluateCheckOptions): Promise<CheckEvaluation> {
  const tx = sqlTx(on);
  const contexts = (await loadChecks(tx, checkIds)).filter((ctx) => ctx.results.length > 0);
  if (contexts.length === 0) return { results: 0, transitions: 0 };
  const checks = contexts.map((ctx) => planCheck(ctx));
  const writer = planWriter(tx, options);
  const { events } = await writer.apply(checks.flatMap((c) => c.events));
  // Before the sites are locked: their rows are shared by every evaluator working on their checks,
  // and each holds them until it commits, so nothing that can run earlier runs after them.
  if (!options.readOnly) await writeRollups(tx, contexts.flatMap((ctx) => ctx.results));
  const changes = checks.flatMap((c) => (c.site === null ? [] : [c.site]));
  // Most passes change no check's status: the sites' statuses stay, and reading them is a round
  // trip for nothing. Otherwise every site of the batch is read and locked, in id order, at once.
  const sites = changes.some((c) => c.statusChanged) ? projectSites(await loadSiteFacts(tx, changes), changes) : sitesChecked(changes);
  await writer.apply(projectionSteps(checks, sites));
  return { results: checks.reduce((n, c) => n + c.evaluated.resultIds.length, 0), transitions: events.length };
}
