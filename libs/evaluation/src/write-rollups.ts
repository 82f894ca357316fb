import { PREPARED, Prisma, sqlTx, type Transaction } from '@vigil/db';
import type { EvaluatedResult } from './load-rows';

export const ROLLUP_COLUMNS = Prisma.sql`check_id, location, bucket_start, count, failures, inconclusive, degraded,
  latency_count, latency_sum, latency_min, latency_max, histogram`;

/** What a rollup reads of a result, with the latency it counts (successes only). */
const ROLLED = Prisma.sql`check_id, location, checked_at, ok, inconclusive, degraded, CASE WHEN ok THEN latency_ms END AS latency`;

/** Rows `r` of check_results picked by `where`, as rollups read them. */
export const rolledRows = (where: Prisma.Sql) => Prisma.sql`SELECT ${ROLLED} FROM check_results WHERE ${where}`;

/**
 * Rows `r` (from {@link rolledRows}) rolled up per check, location and UTC hour or day, as in
 * libs/rollups' `rollupOf`; the latencies as `buckets`, the bucket of each (NULL for none).
 */
export const rollupGroups = (unit: 'hour' | 'day', rows: Prisma.Sql) =>
  Prisma.sql`SELECT r.check_id, r.location, date_trunc(${Prisma.raw(`'${unit}'`)}, r.checked_at, 'UTC') AS bucket_start,
    count(*)::int AS count, count(*) FILTER (WHERE NOT r.ok AND NOT r.inconclusive)::int AS failures,
    count(*) FILTER (WHERE r.inconclusive)::int AS inconclusive, count(*) FILTER (WHERE r.ok AND r.degraded)::int AS degraded,
    count(r.latency)::int AS latency_count, coalesce(sum(r.latency), 0)::bigint AS latency_sum,
    min(r.latency) AS latency_min, max(r.latency) AS latency_max,
    array_agg(vigil_latency_bucket(r.latency)) FILTER (WHERE r.latency IS NOT NULL) AS buckets
  FROM (${rows}) AS r GROUP BY 1, 2, 3`;

/** Inserts rollup groups (a {@link rollupGroups} relation named `source`) as new rows. */
export const insertGroups = (table: Prisma.Sql, source: Prisma.Sql, where: Prisma.Sql = Prisma.empty) =>
  Prisma.sql`INSERT INTO ${table} (${ROLLUP_COLUMNS})
    SELECT g.check_id, g.location, g.bucket_start, g.count, g.failures, g.inconclusive, g.degraded,
      g.latency_count, g.latency_sum, g.latency_min, g.latency_max, vigil_latency_histogram(g.buckets)
    FROM ${source} AS g ${where}`;

/**
 * Adds a pass's groups to one rollup table: the rows that exist are updated (a rollup merge,
 * the histogram counted bucket by bucket for just the new results), the others inserted. No
 * other transaction writes these rows meanwhile: they belong to checks this one has locked.
 */
function addTo(table: 'check_rollups_hourly' | 'check_rollups_daily', groups: string, name: string): Prisma.Sql {
  const t = Prisma.raw(table);
  const g = Prisma.raw(groups);
  const updated = Prisma.raw(`${name}_updated`);
  return Prisma.sql`${updated} AS (
      UPDATE ${t} AS t SET count = t.count + g.count, failures = t.failures + g.failures,
        inconclusive = t.inconclusive + g.inconclusive, degraded = t.degraded + g.degraded,
        latency_count = t.latency_count + g.latency_count, latency_sum = t.latency_sum + g.latency_sum,
        latency_min = LEAST(t.latency_min, g.latency_min), latency_max = GREATEST(t.latency_max, g.latency_max),
        histogram = vigil_histogram_count(t.histogram, g.buckets)
      FROM ${g} AS g
      WHERE t.check_id = g.check_id AND t.location = g.location AND t.bucket_start = g.bucket_start
      RETURNING t.check_id, t.location, t.bucket_start
    ),
    ${Prisma.raw(`${name}_inserted`)} AS (
      ${insertGroups(t, g, Prisma.sql`WHERE NOT EXISTS (SELECT 1 FROM ${updated} AS u
        WHERE u.check_id = g.check_id AND u.location = g.location AND u.bucket_start = g.bucket_start)`)}
    )`;
}

/** What rolling a result up reads of it: the evaluation loaded it already (load-rows.ts). */
export type RollupInput = Pick<EvaluatedResult, 'checkId' | 'location' | 'checkedAt' | 'ok' | 'inconclusive' | 'degraded' | 'latencyMs'>;

/**
 * The instant before which a check's results are in its daily rollups (`checkId` the result's
 * check column, `f` the rollup_folds row): see foldRollups of libs/db. Later results are hourly
 * only until folded.
 */
export const foldBoundary = (checkId: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`CASE WHEN ${checkId} <= f.folding_cursor THEN f.folding_to ELSE f.folded_until END`;

/**
 * Adds results to their hourly rollups, in one statement, and the few older than their check's
 * fold boundary (late: evaluated after their hour was folded) to their daily rollups too; the
 * others reach the daily rollups when their hour is folded (foldRollups of libs/db), which spares
 * each result a second upsert (a row version, an index entry, ~600 bytes of WAL). The boundary
 * is read after the pass locked its checks, and a fold waits for those locks before moving a
 * check's boundary, so a result is in the daily rollups exactly once. The caller's transaction
 * also takes them off the queue of pending results, so each result is rolled up exactly once (a
 * pass that rolls back leaves both undone; a result is never evaluated twice). The results'
 * values come in as arrays, as the pass loaded them: reading them again from check_results cost
 * a probe of its primary key per result (and per partition its checked_at range spans).
 */
export async function writeRollups(tx: Transaction, results: readonly RollupInput[]): Promise<void> {
  if (results.length === 0) return;
  const column = <T>(of: (r: RollupInput) => T) => results.map(of);
  const rows = Prisma.sql`SELECT ${ROLLED}
    FROM unnest(${column((r) => r.checkId)}::int[], ${column((r) => r.location)}::text[], ${column((r) => r.checkedAt.toISOString())}::timestamptz[],
      ${column((r) => r.ok)}::boolean[], ${column((r) => r.inconclusive)}::boolean[], ${column((r) => r.degraded)}::boolean[], ${column((r) => r.latencyMs)}::int[])
      AS u(check_id, location, checked_at, ok, inconclusive, degraded, latency_ms)`;
  await sqlTx(tx).execute(Prisma.sql`${Prisma.raw(PREPARED)}
    WITH r AS MATERIALIZED (${rows}),
    hours AS MATERIALIZED (${rollupGroups('hour', Prisma.sql`SELECT * FROM r`)}),
    days AS MATERIALIZED (${rollupGroups('day', Prisma.sql`SELECT r.* FROM r, rollup_folds f WHERE r.checked_at < ${foldBoundary(Prisma.raw('r.check_id'))}`)}),
    ${addTo('check_rollups_hourly', 'hours', 'hourly')},
    ${addTo('check_rollups_daily', 'days', 'daily')}
    SELECT 1`);
}
