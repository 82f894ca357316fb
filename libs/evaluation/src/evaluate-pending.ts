import { claimStatement, pgTx, Prisma, type SqlDatabase, type SqlTx, sqlTx, withPgTransaction, withTransaction } from '@vigil/db';
import { evaluateChecks, type EvaluateCheckOptions } from './evaluate-check';
import type { EvaluationLogger } from './plan';

/** What a pass needs of the database: Prisma, and on PostgreSQL the pool its statements run on without it. */
export type PassDatabase = SqlDatabase;

/**
 * One transaction of a pass: on PostgreSQL on a connection of the pool, without Prisma (whose
 * interactive transaction cost ~0.35 ms of CPU per statement, more than the evaluation of a
 * whole batch of a few checks); on the embedded database, Prisma's.
 */
function inTransaction<T>(db: PassDatabase, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
  return db.pool === undefined ? withTransaction(db, (tx) => fn(sqlTx(tx))) : withPgTransaction(db.pool, (client) => fn(pgTx(client)));
}

export interface EvaluatePendingOptions {
  /** At most this many checks in one call. */
  readonly maxChecks: number;
  /** Compute and log, write nothing: the results stay unevaluated (`VIGIL_DB_WRITES=off`). */
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** The evaluator's clock, for `updated_at` (default the system clock). */
  readonly now?: () => Date;
  /**
   * Batches evaluated at once, each in its own transaction (default 1). A batch spends most of
   * its time waiting on round trips, so two keep both the evaluator and the database busier.
   */
  readonly concurrency?: number;
  /** Checks per transaction (default CHECKS_PER_TRANSACTION, 200). */
  readonly checksPerTransaction?: number;
}

export interface EvaluationCounts {
  /** Checks whose pending results were evaluated (computed only, in read-only mode). */
  readonly checks: number;
  /** Checks whose evaluation failed and rolled back (logged); their results stay pending. */
  readonly failed: number;
  readonly results: number;
  /** Event mutations written (each with its audit row); always 0 in read-only mode. */
  readonly transitions: number;
}

/**
 * Checks per transaction. Each statement of a batch serves all of its checks, so a batch costs
 * little more than one check; this bounds how long the batch's rows stay locked and how much
 * one failing check makes the others redo.
 */
export const CHECKS_PER_TRANSACTION = 200;

/**
 * The first pending checks in id order, distinct, read off the queue's primary key one check at a
 * time (a skip scan: each step the first key after the previous check, ORDER BY ... LIMIT 1), and
 * stopping after `limit`: never every pending row, whatever the queue's statistics say. A DISTINCT
 * over the queue was planned as a hash of a sequential scan whenever the planner thought the
 * queue small or the limit a large part of it, and then read every page of its heap, the
 * evaluated results' dead rows too, which pile up until a vacuum (none while autovacuum lags).
 */
function pendingChecks(skip: readonly number[], limit: number, only?: number): Prisma.Sql {
  const filter = Prisma.sql`NOT (q.check_id = ANY(${[...skip]}::int[]))${only === undefined ? Prisma.empty : Prisma.sql` AND q.check_id = ${only}`}`;
  return Prisma.sql`ARRAY(
      WITH RECURSIVE pending(check_id) AS (
        (SELECT q.check_id FROM pending_results q WHERE ${filter} ORDER BY q.check_id LIMIT 1)
        UNION ALL
        SELECT (SELECT q.check_id FROM pending_results q WHERE q.check_id > p.check_id AND ${filter} ORDER BY q.check_id LIMIT 1)
        FROM pending p WHERE p.check_id IS NOT NULL
      )
      SELECT check_id FROM pending WHERE check_id IS NOT NULL LIMIT ${limit})`;
}

/**
 * Locks up to `limit` checks that have unevaluated results, in id order, skipping those another
 * evaluator holds. The pending checks are listed first (pendingChecks), then looked up by id:
 * never a walk over every check.
 */
function claimPending(tx: SqlTx, skip: readonly number[], limit: number, only?: number): Promise<{ id: number }[]> {
  return tx.query<{ id: number }>(claimPendingStatement(skip, limit, only));
}

/**
 * The statement of {@link claimPending} (exported for the plan tests). Planned on every pass, not
 * prepared: a generic plan is made once per connection and kept until an ANALYZE, and the one
 * made while the queue or the checks were nearly empty (a new install, a quiet spell) scans them
 * for the connection's life. A pass plans it once, beside the evaluation of hundreds of results.
 */
export function claimPendingStatement(skip: readonly number[], limit: number, only?: number): Prisma.Sql {
  return claimStatement({
    table: 'checks',
    columns: Prisma.sql`id`,
    // Four times the limit leaves room for checks other evaluators hold.
    where: Prisma.sql`id = ANY(${pendingChecks(skip, limit * 4, only)})`,
    orderBy: Prisma.sql`id`,
    limit,
  });
}

type LogLine = (message: string, fields?: Record<string, unknown>) => void;

/** A logger that holds its lines until `flush()`: a batch that rolls back leaves no line about what it did not write. */
function heldLogger(logger: EvaluationLogger): { logger: EvaluationLogger; flush(): void } {
  const held: Array<() => void> = [];
  const hold =
    (level: 'debug' | 'info' | 'warn' | 'error'): LogLine =>
    (message, fields) =>
      void held.push(() => logger[level](message, fields));
  // The evaluator calls (message, fields) only; winston's overloads are more than a plain function can be.
  const holding = { debug: hold('debug'), info: hold('info'), warn: hold('warn'), error: hold('error') } as unknown as EvaluationLogger;
  return { logger: holding, flush: () => held.splice(0).forEach((line) => line()) };
}

/**
 * Evaluates checks that have unevaluated results, a batch of checks per transaction: all of a
 * batch's writes commit together or none do. The checks' rows are claimed `FOR NO KEY UPDATE SKIP
 * LOCKED`, so concurrent evaluators (processes or instances) work on different checks and never
 * wait on each other. A batch that fails is evaluated again one check per transaction, so that
 * one check that cannot be evaluated holds up no other. A check is visited once per call, so
 * that in read-only mode, where nothing leaves the queue, the same check is not evaluated again and again.
 */
export async function evaluatePending(db: PassDatabase, options: EvaluatePendingOptions): Promise<EvaluationCounts> {
  const checkOptions: EvaluateCheckOptions = {
    readOnly: options.readOnly,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
  };
  const visited: number[] = [];
  // Checks claimed or being claimed by the workers. A worker takes its share of the budget before
  // it awaits anything and gives back what it did not claim: read after an await, the budget left
  // would count the batches the others claimed meanwhile, and went past the limit, even negative.
  let reserved = 0;
  const perTransaction = Math.max(1, options.checksPerTransaction ?? CHECKS_PER_TRANSACTION);
  let checks = 0;
  let failed = 0;
  let results = 0;
  let transitions = 0;
  // Concurrent workers share `visited` and `reserved`; the row locks (SKIP LOCKED) keep their batches apart.
  const worker = async (): Promise<void> => {
    while (reserved < options.maxChecks) {
      const budget = Math.min(perTransaction, options.maxChecks - reserved);
      reserved += budget;
      // Set inside the transaction; read after it, also when it failed.
      const claimed: number[] = [];
      const held = heldLogger(options.logger);
      try {
        const done = await inTransaction(db, async (tx) => {
          const rows = await claimPending(tx, visited, budget);
          claimed.push(...rows.map((row) => row.id));
          // Visited from the claim on: a worker claiming meanwhile skips them rather than wait out their locks.
          visited.push(...claimed);
          if (claimed.length === budget) joinWorker();
          return claimed.length === 0 ? null : evaluateChecks(tx, claimed, { ...checkOptions, logger: held.logger });
        }).finally(() => {
          reserved -= budget - claimed.length;
        });
        held.flush();
        if (done === null) return;
        checks += claimed.length;
        results += done.results;
        transitions += done.transitions;
        // A short claim found no more pending checks free to take: another claim now would come
        // back empty, a transaction for nothing on every pass. Results stored since notify anew.
        if (claimed.length < budget) return;
      } catch (error) {
        if (claimed.length === 0) throw error;
        // One check that cannot be evaluated (a bad quorum setting, a database refusal) must not
        // hold up the others: the batch rolled back whole; each of its checks is tried on its own.
        for (const id of claimed) {
          const one = claimed.length === 1 ? { error } : await evaluateAlone(db, id, checkOptions);
          if ('error' in one) {
            failed++;
            options.logger.error('check evaluation failed: nothing of it was written', { check_id: id, error: one.error });
          } else if (one.done !== null) {
            checks++;
            results += one.done.results;
            transitions += one.done.transitions;
          }
        }
      }
    }
  };
  // One worker to begin with; another joins when a claim came back full, so that there may be
  // more. In steady state a pass finds a few checks: idle workers would each pay a transaction
  // (BEGIN, claim, COMMIT) for nothing, more than the evaluation itself costs.
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const running: Promise<void>[] = [];
  function joinWorker(): void {
    if (running.length >= concurrency || reserved >= options.maxChecks) return;
    const started = worker();
    // Handled when awaited below; until then a rejection must not count as unhandled.
    started.catch(() => undefined);
    running.push(started);
  }
  joinWorker();
  // Awaited one by one, later joiners included: the array grows while this waits.
  for (let i = 0; i < running.length; i++) await running[i];
  return { checks, failed, results, transitions };
}

/** One check in its own transaction, if it still has pending results and no other evaluator holds it. */
async function evaluateAlone(db: PassDatabase, id: number, options: EvaluateCheckOptions) {
  try {
    const done = await inTransaction(db, async (tx) => ((await claimPending(tx, [], 1, id)).length === 0 ? null : evaluateChecks(tx, [id], options)));
    return { done };
  } catch (error) {
    return { error };
  }
}
