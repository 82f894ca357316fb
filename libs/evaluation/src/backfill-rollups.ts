import { type Database, Prisma, withTransaction } from '@vigil/db';
import { foldBoundary, insertGroups, rolledRows, rollupGroups } from './write-rollups';

export interface BackfillRollupsOptions {
  /**
   * Checks rebuilt per transaction (default 10). Their evaluation waits while the batch holds
   * them (the evaluator skips locked checks), so a batch is kept short: a check with 30 days of
   * 20 s results at 3 locations has about 390,000 rows to read.
   */
  readonly checksPerBatch?: number;
  /** Called after each batch, for progress lines. */
  readonly onBatch?: (progress: { checks: number; lastCheckId: number }) => void;
}

export interface BackfillRollupsResult {
  readonly checks: number;
  readonly hourly: number;
  readonly daily: number;
}

const DEFAULT_CHECKS_PER_BATCH = 10;

/** A batch of checks with years of results may take minutes: far above the default 10 s. */
const BATCH_TIMEOUT_MS = 10 * 60_000;

/**
 * Rebuilds the hourly and daily rollups of every check from its evaluated results (the daily
 * ones up to each check's fold boundary, as writeRollups keeps them): for
 * results stored before rollups existed (`vigil-db rollups backfill`). Idempotent: each batch
 * of checks is locked as the evaluator locks them (so no pass evaluates them meanwhile), their
 * rollups deleted and recomputed from exactly the results evaluated (not queued in
 * pending_results), which are exactly those the evaluator has rolled up; pending results are rolled up when evaluated. Bounded in
 * memory: the rows never leave the database, a batch of checks at a time, in id order.
 */
export async function backfillRollups(db: Pick<Database, 'prisma'>, options: BackfillRollupsOptions = {}): Promise<BackfillRollupsResult> {
  const perBatch = options.checksPerBatch ?? DEFAULT_CHECKS_PER_BATCH;
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new RangeError(`checksPerBatch must be a positive integer, got ${perBatch}`);
  let after = 0;
  let checks = 0;
  let hourly = 0;
  let daily = 0;
  for (;;) {
    const batch = await withTransaction(db, async (tx) => {
      const ids = (
        await tx.$queryRaw<{ id: number }[]>`SELECT id FROM checks WHERE id > ${after} ORDER BY id LIMIT ${perBatch} FOR NO KEY UPDATE`
      ).map((row) => row.id);
      if (ids.length === 0) return null;
      const rebuild = async (table: 'check_rollups_hourly' | 'check_rollups_daily', unit: 'hour' | 'day') => {
        await tx.$executeRaw`DELETE FROM ${Prisma.raw(table)} WHERE check_id = ANY(${ids}::int[])`;
        // The daily rollups hold the results before the check's fold boundary, as writeRollups and
        // foldRollups keep them; the hours after it are folded in later.
        const folded = unit === 'day' ? Prisma.sql`AND checked_at < (SELECT ${foldBoundary(Prisma.raw('check_results.check_id'))} FROM rollup_folds f)` : Prisma.empty;
        const rows = rolledRows(Prisma.sql`check_id = ANY(${ids}::int[]) ${folded}
          AND NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.check_id = check_results.check_id AND q.result_id = check_results.id)`);
        return tx.$executeRaw`WITH groups AS (${rollupGroups(unit, rows)}) ${insertGroups(Prisma.raw(table), Prisma.raw('groups'))}`;
      };
      return { ids, hourly: await rebuild('check_rollups_hourly', 'hour'), daily: await rebuild('check_rollups_daily', 'day') };
    }, { timeoutMs: BATCH_TIMEOUT_MS });
    if (batch === null) return { checks, hourly, daily };
    after = batch.ids[batch.ids.length - 1];
    checks += batch.ids.length;
    hourly += batch.hourly;
    daily += batch.daily;
    options.onBatch?.({ checks, lastCheckId: after });
  }
}
