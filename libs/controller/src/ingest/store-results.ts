import { isInconclusive, type RejectReason, type ReportedResult, type ReportItemOutcome, type ReportOutcome } from '@vigil/contracts';
import { Prisma, PREPARED, RESULTS_CHANNEL, type SqlDatabase, sqlDb } from '@vigil/db';

/** How far ahead of the controller's clock a result's `checked_at` may be (runners' clocks drift a little). */
export const MAX_CLOCK_AHEAD_MS = 60_000;


export interface IngestOutcome {
  /** One per reported result, in the order they were sent. */
  results: ReportItemOutcome[];
  counts: Record<ReportOutcome, number>;
  /**
   * Per reported result: its check opts in to per-check metrics (`checks.export_metrics`, read by the
   * statement that stores it, at no extra cost), so the metrics look the check up only then.
   */
  exportsMetrics: boolean[];
}

type Verdict = 'accepted' | 'duplicate' | RejectReason;

interface VerdictRow {
  idx: number;
  verdict: Exclude<Verdict, 'checked_at_in_future'>;
  export_metrics: boolean | null;
}

/** What goes to the database, one object per result; absent fields become NULL. */
export function toRecord(result: ReportedResult, idx: number) {
  return {
    idx,
    run_id: result.run_id,
    check_uuid: result.check_id,
    ok: result.ok,
    // Marked here too, for runners older than the flag: an egress refusal says nothing of the target.
    inconclusive: isInconclusive(result),
    degraded: result.degraded === true,
    status_code: result.status_code,
    latency_ms: result.latency_ms === undefined ? undefined : Math.round(result.latency_ms),
    timings: result.timings,
    error_code: result.error_code,
    error: result.error,
    details: result.details,
    // Normalised to UTC, so the database never parses an offset it would refuse.
    checked_at: new Date(result.checked_at).toISOString(),
  };
}

/**
 * Judges and stores a batch in one statement (one round trip, whatever the batch size):
 * - `unknown_check`: no check (that is not deleted) has this id;
 * - the run this location's state of the check is leased to is inserted `ON CONFLICT DO
 *   NOTHING`: `accepted` if it was, `duplicate` if it was stored already (by an earlier
 *   report, or a concurrent one on any instance). The same run twice in one batch is stored
 *   once; its later copies are duplicates. The unique (check_id, run_id, checked_at) index
 *   judges these (a replayed report carries the same checked_at; checked_at is in the key
 *   because check_results is partitioned by it on PostgreSQL, ADR 0013), so the common case
 *   costs no separate look-up;
 * - any other run is a `duplicate` if this location stored it (its lease is gone since),
 *   else `not_leased` (a run leased to another runner, or leased again after its lease expired).
 * The location state is not written: the stored result of its `lease_run_id` is what frees
 * the row for its next slot (see leaseDueRuns), so a run costs one write of its state, not
 * two. `lease_run_id` stays, so a late repeat is still recognised and the next lease can
 * tell that this run was reported. One notification wakes the evaluator. Strikes and
 * `last_result_at` are the evaluator's to change.
 */
async function judgeAndStore(db: SqlDatabase, location: string, records: ReturnType<typeof toRecord>[]): Promise<VerdictRow[]> {
  // On PostgreSQL through the pool, not Prisma: every report runs it, and $queryRaw cost it ~0.4 ms of CPU.
  return sqlDb(db).query<VerdictRow>(judgeAndStoreStatement(location, records));
}

/** judgeAndStore's statement (exported for the plan tests: its generic plan must probe indexes only). */
export function judgeAndStoreStatement(location: string, records: readonly ReturnType<typeof toRecord>[]): Prisma.Sql {
  // Prepared: parsing and planning it cost more than storing a report of a few results.
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
        idx int, run_id uuid, check_uuid uuid, ok boolean, inconclusive boolean, degraded boolean, status_code int, latency_ms int,
        timings jsonb, error_code text, error text, details jsonb, checked_at timestamptz)
    ), judged AS (
      SELECT i.*, t.check_id, t.site_id, t.export_metrics,
             CASE
               WHEN t.check_id IS NULL THEN 'unknown_check'
               WHEN t.lease_run_id = i.run_id THEN 'store'
               WHEN dup.found THEN 'duplicate'
               ELSE 'not_leased'
             END AS verdict
      FROM input i
      -- Both look-ups are LATERAL with a LIMIT so that each stays one index probe per result:
      -- as joins, the generic plan (which guesses 100 input rows) hashed every check, and the
      -- EXISTS became a hashed subplan over all of check_results whenever a report held a
      -- result that was not the leased run. The uuid and (check_id, location) are unique.
      LEFT JOIN LATERAL (
        SELECT c.id AS check_id, ls.site_id, ls.lease_run_id, c.export_metrics
        FROM checks c LEFT JOIN location_states ls ON ls.check_id = c.id AND ls.location = ${location}
        WHERE c.uuid = i.check_uuid AND c.deleted_at IS NULL
        LIMIT 1
      ) t ON true
      -- Only for a run that is not the leased one (a one-time filter): the unique (check_id, run_id,
      -- checked_at) index. A repeat carries the checked_at it was stored with, which also prunes
      -- the probe to one of check_results' daily partitions (ADR 0013).
      LEFT JOIN LATERAL (
        SELECT true AS found FROM check_results cr
        WHERE t.lease_run_id IS DISTINCT FROM i.run_id AND cr.check_id = t.check_id AND cr.run_id = i.run_id
          AND cr.checked_at = i.checked_at AND cr.location = ${location}
        LIMIT 1
      ) dup ON true
    ), firsts AS (
      SELECT DISTINCT ON (check_id, run_id) * FROM judged WHERE verdict = 'store' ORDER BY check_id, run_id, idx
    ), stored AS (
      INSERT INTO check_results (check_id, site_id, run_id, location, ok, inconclusive, degraded, status_code, latency_ms, timings, error_code, error, details, checked_at)
      SELECT check_id, site_id, run_id, ${location}, ok, inconclusive, degraded, status_code, latency_ms, timings, error_code, error, details, checked_at FROM firsts
      ON CONFLICT (check_id, run_id, checked_at) DO NOTHING
      RETURNING check_id, run_id
    ), woken AS (
      -- Volatile, so never inlined: the count below runs it, once, and only if a row was stored.
      SELECT pg_notify(${RESULTS_CHANNEL}, '') FROM (SELECT 1 FROM stored LIMIT 1) AS any_stored
    )
    SELECT j.idx,
           CASE WHEN j.verdict <> 'store' THEN j.verdict
                WHEN f.idx IS NOT NULL AND s.run_id IS NOT NULL THEN 'accepted'
                ELSE 'duplicate' END AS verdict,
           j.export_metrics,
           (SELECT count(*) FROM woken)::int AS woken
    FROM judged j
    LEFT JOIN firsts f ON f.idx = j.idx
    LEFT JOIN stored s ON s.check_id = j.check_id AND s.run_id = j.run_id`;
}

/**
 * Stores the results `location` reported and says, for each, whether it was accepted,
 * a duplicate, or rejected and why. `checked_at` more than a minute ahead of `nowMs` is
 * rejected before the database is asked.
 */
export async function ingestResults(
  db: SqlDatabase,
  location: string,
  results: readonly ReportedResult[],
  nowMs = Date.now(),
): Promise<IngestOutcome> {
  const verdicts: Array<Verdict | undefined> = results.map((result) =>
    Date.parse(result.checked_at) > nowMs + MAX_CLOCK_AHEAD_MS ? 'checked_at_in_future' : undefined,
  );
  const records = results.flatMap((result, idx) => (verdicts[idx] === undefined ? [toRecord(result, idx)] : []));
  const exportsMetrics = results.map(() => false);
  if (records.length > 0) {
    for (const row of await judgeAndStore(db, location, records)) {
      verdicts[row.idx] = row.verdict;
      exportsMetrics[row.idx] = row.export_metrics === true;
    }
  }

  const counts: Record<ReportOutcome, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  const outcomes = results.map((result, idx): ReportItemOutcome => {
    const verdict = verdicts[idx];
    if (verdict === undefined) throw new Error(`result ${idx} of the report was not judged`);
    const base = { run_id: result.run_id, check_id: result.check_id };
    if (verdict === 'accepted' || verdict === 'duplicate') {
      counts[verdict] += 1;
      return { ...base, outcome: verdict };
    }
    counts.rejected += 1;
    return { ...base, outcome: 'rejected', reason: verdict };
  });
  return { results: outcomes, counts, exportsMetrics };
}
