import { Prisma, PREPARED, type VigilTransaction } from '@vigil/db';

/**
 * A rollup's columns aggregated over rows `r` (check_results' columns, with `latency` the
 * latency of successful results only), as in libs/rollups' `rollupOf`.
 */
export const ROLLUP_AGGREGATES = Prisma.sql`count(*)::int, count(*) FILTER (WHERE NOT r.ok AND NOT r.inconclusive)::int,
  count(*) FILTER (WHERE r.inconclusive)::int, count(*) FILTER (WHERE r.ok AND r.degraded)::int,
  count(r.latency)::int, coalesce(sum(r.latency), 0)::bigint, min(r.latency), max(r.latency),
  vigil_latency_histogram(array_agg(vigil_latency_bucket(r.latency)) FILTER (WHERE r.latency IS NOT NULL))`;

export const ROLLUP_COLUMNS = Prisma.sql`check_id, location, bucket_start, count, failures, inconclusive, degraded,
  latency_count, latency_sum, latency_min, latency_max, histogram`;

/** Adds the inserted rows (`excluded`) to a rollup that exists (`t`): a rollup merge. */
export const ROLLUP_MERGE = Prisma.sql`count = t.count + excluded.count, failures = t.failures + excluded.failures,
  inconclusive = t.inconclusive + excluded.inconclusive, degraded = t.degraded + excluded.degraded,
  latency_count = t.latency_count + excluded.latency_count, latency_sum = t.latency_sum + excluded.latency_sum,
  latency_min = LEAST(t.latency_min, excluded.latency_min), latency_max = GREATEST(t.latency_max, excluded.latency_max),
  histogram = vigil_histogram_add(t.histogram, excluded.histogram)`;

/** Rows `r` of check_results picked by `where`, with the latency rollups count (successes only). */
export const rolledRows = (where: Prisma.Sql) =>
  Prisma.sql`SELECT check_id, location, checked_at, ok, inconclusive, degraded, CASE WHEN ok THEN latency_ms END AS latency
    FROM check_results WHERE ${where}`;

/**
 * Adds results to their hourly and daily rollups, in one statement: the caller's transaction
 * also marks them evaluated, so each result is rolled up exactly once (a pass that rolls back
 * leaves both undone; a result is never evaluated twice). Rows of the same check are only ever
 * written by the evaluator holding that check's lock: concurrent passes never wait on each other here.
 */
export async function writeRollups(tx: VigilTransaction, resultIds: readonly (bigint | string)[]): Promise<void> {
  if (resultIds.length === 0) return;
  await tx.$executeRaw(Prisma.sql`${Prisma.raw(PREPARED)}
    WITH r AS MATERIALIZED (${rolledRows(Prisma.sql`id = ANY(${resultIds.map(String)}::bigint[])`)}),
    hourly AS (
      INSERT INTO check_rollups_hourly AS t (${ROLLUP_COLUMNS})
      SELECT r.check_id, r.location, date_trunc('hour', r.checked_at, 'UTC'), ${ROLLUP_AGGREGATES}
      FROM r GROUP BY 1, 2, 3
      ON CONFLICT (check_id, location, bucket_start) DO UPDATE SET ${ROLLUP_MERGE}
    )
    INSERT INTO check_rollups_daily AS t (${ROLLUP_COLUMNS})
    SELECT r.check_id, r.location, date_trunc('day', r.checked_at, 'UTC'), ${ROLLUP_AGGREGATES}
    FROM r GROUP BY 1, 2, 3
    ON CONFLICT (check_id, location, bucket_start) DO UPDATE SET ${ROLLUP_MERGE}`);
}
