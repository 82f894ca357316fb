import type { Database } from '../client';
import { withTransaction } from '../transaction';

/** Checks folded per transaction: their evaluation waits meanwhile (the evaluator skips locked checks). */
export const FOLD_CHECKS_PER_BATCH = 1_000;

const HOUR_MS = 3_600_000;

/** What one fold did. */
export interface FoldReport {
  /** The hours folded: from `from` (inclusive) to `to` (exclusive). */
  readonly from: Date;
  readonly to: Date;
  /** Transactions of checks folded. */
  readonly batches: number;
  /** Daily rollup rows written (inserted or added to). */
  readonly rows: number;
}

interface FoldRow {
  folded_until: Date;
  folding_to: Date;
  folding_cursor: number;
}

/**
 * Folds the hourly rollups of the hours that ended since the last fold into the daily ones
 * (check_rollups_daily holds, per check, the results checked before the check's boundary: see
 * the migration daily_rollups_folded), so that the evaluation writes one rollup per result, not
 * two. In batches of checks in id order, each one transaction that locks its checks as the
 * evaluator claims them (`FOR NO KEY UPDATE`, waiting for a pass that holds one): no result of a
 * batch's checks is being rolled up meanwhile, and a pass that locks one of them after the batch
 * commits reads the moved boundary. The boundary of the checks up to `folding_cursor` is
 * `folding_to`, of the others still `folded_until`; when every check is done, `folded_until`
 * moves on. A fold interrupted (a crash, a failed batch) resumes at its cursor on the next call.
 * Null when there is no hour to fold (or no rollup_folds row).
 */
export async function foldRollups(
  db: Pick<Database, 'prisma'>,
  options: { now?: Date; checksPerBatch?: number; /** Stop after this many batches (the next call resumes). */ maxBatches?: number } = {},
): Promise<FoldReport | null> {
  const now = options.now ?? new Date();
  const perBatch = options.checksPerBatch ?? FOLD_CHECKS_PER_BATCH;
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new RangeError(`checksPerBatch must be a positive integer, got ${perBatch}`);
  const to = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  let report = null as FoldReport | null;
  // A fold under way (interrupted) is finished first, to the hour it started for; then the hours since.
  for (;;) {
    const left = options.maxBatches === undefined ? undefined : options.maxBatches - (report?.batches ?? 0);
    if (left !== undefined && left <= 0) return report;
    const step = await foldOnce(db, to, perBatch, left);
    if (step === null) return report;
    report = { from: report?.from ?? step.from, to: step.to, batches: (report?.batches ?? 0) + step.batches, rows: (report?.rows ?? 0) + step.rows };
    if (!step.finished) return report;
  }
}

async function foldOnce(
  db: Pick<Database, 'prisma'>,
  to: Date,
  perBatch: number,
  maxBatches: number | undefined,
): Promise<(FoldReport & { finished: boolean }) | null> {
  const started = await withTransaction(db, async (tx) => {
    const [row] = await tx.$queryRawUnsafe<FoldRow[]>(`SELECT folded_until, folding_to, folding_cursor FROM rollup_folds FOR UPDATE`);
    if (row === undefined) return null;
    if (row.folding_to.getTime() > row.folded_until.getTime()) return row;
    if (to.getTime() <= row.folded_until.getTime()) return null;
    await tx.$executeRawUnsafe(`UPDATE rollup_folds SET folding_to = $1::timestamptz, folding_cursor = 0`, to.toISOString());
    return { ...row, folding_to: to, folding_cursor: 0 };
  });
  if (started === null) return null;
  let cursor = started.folding_cursor;
  let batches = 0;
  let rows = 0;
  for (;;) {
    if (maxBatches !== undefined && batches >= maxBatches) return { from: started.folded_until, to: started.folding_to, batches, rows, finished: false };
    const batch = await withTransaction(
      db,
      async (tx) => {
        const ids = (
          await tx.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM checks WHERE id > $1 ORDER BY id LIMIT $2 FOR NO KEY UPDATE`, cursor, perBatch)
        ).map((r) => r.id);
        if (ids.length === 0) {
          await tx.$executeRawUnsafe(`UPDATE rollup_folds SET folded_until = folding_to, folding_cursor = 0`);
          return null;
        }
        const written = await tx.$executeRawUnsafe(
          `INSERT INTO check_rollups_daily AS t (check_id, location, bucket_start, count, failures, inconclusive, degraded,
             latency_count, latency_sum, latency_min, latency_max, histogram)
           SELECT h.check_id, h.location, date_trunc('day', h.bucket_start, 'UTC'), sum(h.count)::int, sum(h.failures)::int, sum(h.inconclusive)::int,
             sum(h.degraded)::int, sum(h.latency_count)::int, sum(h.latency_sum)::bigint, min(h.latency_min), max(h.latency_max), vigil_histogram_sum(h.histogram)
           FROM check_rollups_hourly h, rollup_folds f
           WHERE h.check_id = ANY($1::int[]) AND h.bucket_start >= f.folded_until AND h.bucket_start < f.folding_to
           GROUP BY 1, 2, 3
           ON CONFLICT (check_id, location, bucket_start) DO UPDATE SET
             count = t.count + excluded.count, failures = t.failures + excluded.failures, inconclusive = t.inconclusive + excluded.inconclusive,
             degraded = t.degraded + excluded.degraded, latency_count = t.latency_count + excluded.latency_count,
             latency_sum = t.latency_sum + excluded.latency_sum, latency_min = LEAST(t.latency_min, excluded.latency_min),
             latency_max = GREATEST(t.latency_max, excluded.latency_max), histogram = vigil_histogram_add(t.histogram, excluded.histogram)`,
          ids,
        );
        await tx.$executeRawUnsafe(`UPDATE rollup_folds SET folding_cursor = $1`, ids[ids.length - 1]);
        return { last: ids[ids.length - 1], written };
      },
      { timeoutMs: 120_000 },
    );
    if (batch === null) return { from: started.folded_until, to: started.folding_to, batches, rows, finished: true };
    cursor = batch.last;
    rows += batch.written;
    batches++;
  }
}
