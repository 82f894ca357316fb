import type { CheckType } from '@vigil/contracts';
import { Prisma, PREPARED, type SqlDatabase, sqlDb } from '@vigil/db';
import { FRESHNESS_GRACE_MS } from '@vigil/quorum';

/** How long beyond a check's timeout a runner has to report a run before it can be leased again. */
export const LEASE_GRACE_MS = 30_000;

/** One run leased to a runner. */
export interface LeasedRun {
  runId: string;
  checkUuid: string;
  type: CheckType;
  /** The endpoint to probe. */
  target: string;
  spec: Record<string, unknown>;
  timeoutMs: number;
  /** A successful run slower than this is degraded; null: no latency rule. */
  degradedLatencyMs: number | null;
  /** The slot the run was due at. */
  dueAt: Date;
  /** The previous run of this check at this location was leased and never reported. */
  previousLeaseExpired: boolean;
}

interface LeaseRow {
  run_id: string;
  check_uuid: string;
  type: CheckType;
  target: string;
  spec: Record<string, unknown> | null;
  timeout_ms: number;
  degraded_latency_ms: number | null;
  due_at: Date;
  lease_expired: boolean;
}

/**
 * Leases up to `limit` due runs of `location` in one statement. The rows are taken with
 * `FOR UPDATE SKIP LOCKED`, so concurrent polls, from any controller instance, never get
 * the same run; a leased row stays out of every poll until its lease runs out (timeout
 * plus LEASE_GRACE_MS) or its result is stored (ingestResults leaves the row alone: the
 * stored result of `lease_run_id` is what frees it, so each run writes its location state
 * here and in the evaluation's strikes update, which is HOT and clears `leased_until` once
 * the result is evaluated, sparing this statement the look-up). Whoever moves `next_due_at`
 * earlier must therefore clear `leased_until` too.
 *
 * With `lookaheadMs`, runs due up to that far ahead are leased too, for a runner that
 * starts each at its `due_at` rather than at its next poll. Such a lease counts from the
 * due time, not from now, so the runner still has the whole timeout plus the grace, and
 * the next slot is the first one strictly after the later of now and the due time.
 *
 * `next_due_at` moves to the check's first slot strictly after now (or after the due time of
 * a run leased ahead): slots are
 * `offset + k × period` (see scheduleOffsetMs and nextSlotMs, which this SQL mirrors),
 * so the schedule never drifts with late polls and a poll after an outage skips the slots
 * it missed instead of running them all. While the check is down (or seems down), its
 * `down_interval_s` is the period when it has one.
 *
 * Served by the `(location, next_due_at)` index: a poll reads its location's due rows in order.
 */
export async function leaseDueRuns(db: SqlDatabase, location: string, limit: number, lookaheadMs = 0): Promise<LeasedRun[]> {
  // On PostgreSQL through the pool, not Prisma: every poll runs it, and $queryRaw cost it ~0.4 ms of CPU.
  const rows = await sqlDb(db).query<LeaseRow>(leaseStatement(location, limit, lookaheadMs));
  return rows
    .map((row) => ({
      runId: row.run_id,
      checkUuid: row.check_uuid,
      type: row.type,
      target: row.target,
      spec: row.spec ?? {},
      timeoutMs: row.timeout_ms,
      degradedLatencyMs: row.degraded_latency_ms,
      dueAt: row.due_at,
      previousLeaseExpired: row.lease_expired,
    }))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** How far from its lease's end a leased run's `checked_at` may be and still count as that run's result. */
const RUN_CHECKED_WITHIN = Prisma.raw(`interval '1 day'`);

/** leaseDueRuns's statement (exported for the plan tests: its generic plan must probe indexes only). */
export function leaseStatement(location: string, limit: number, lookaheadMs: number): Prisma.Sql {
  // Prepared: every poll of every runner runs it, and planning it cost as much as running a small lease.
  return Prisma.sql`${Prisma.raw(PREPARED)}
    WITH due AS (
      SELECT ls.next_due_at AS due_at, ls.ctid AS row_ctid,
             -- A reported run keeps its leased_until until it is evaluated (storing it writes no
             -- location state), so only a leased run with no stored result expired.
             ls.leased_until IS NOT NULL AND reported.run IS NULL AS lease_expired,
             c.id AS check_id, c.uuid AS check_uuid, c.type::text AS type, c.spec, c.timeout_ms, c.interval_s, c.degraded_latency_ms, e.target,
             1000 * (CASE WHEN c.status IN ('seems_down', 'down') AND c.down_interval_s IS NOT NULL
                          THEN c.down_interval_s ELSE c.interval_s END)::bigint AS period_ms
      FROM location_states ls
      JOIN checks c ON c.id = ls.check_id
      JOIN endpoints e ON e.id = c.endpoint_id
      -- Whether the leased run was stored: asked only of a row still leased. Evaluating a run's
      -- result clears its leased_until (strikesWrite of libs/evaluation), so in a steady state a
      -- due row has none and costs no probe; a run stored and not evaluated yet (the evaluator
      -- lagging or down) is found here. In a CASE, so that the probe's partitioned Append (its
      -- run-time pruning included) is not even started for the others; OFFSET 0 keeps the
      -- subquery whole, so the filter and lease_expired share one evaluation.
      -- One probe of the unique (check_id, run_id, checked_at) index. Not an EXISTS: under the OR
      -- below the planner may run that as a hash of every stored result, on every poll. The run
      -- was checked within its lease (runners' clocks drift seconds, not a day): the bounds let
      -- the probe skip all but a few of check_results' daily partitions (ADR 0013), of which
      -- retention keeps thirty and more; unbounded it probed each one's index.
      LEFT JOIN LATERAL (
        SELECT CASE WHEN ls.leased_until IS NOT NULL THEN (
                 SELECT true FROM check_results r
                 WHERE r.check_id = ls.check_id AND r.run_id = ls.lease_run_id
                   AND r.checked_at >= ls.leased_until - ${RUN_CHECKED_WITHIN} AND r.checked_at <= ls.leased_until + ${RUN_CHECKED_WITHIN}
                 LIMIT 1) END AS run
        OFFSET 0
      ) reported ON true
      WHERE ls.location = ${location}
        AND ls.next_due_at <= now() + ${lookaheadMs}::int * interval '1 millisecond'
        AND (ls.leased_until IS NULL OR ls.leased_until < now() OR reported.run IS NOT NULL)
        AND c.enabled AND c.deleted_at IS NULL
        -- Archiving parks a site's states; this keeps one added since (a new runner) idle too.
        AND NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = ls.site_id AND s.archived_at IS NOT NULL)
      ORDER BY ls.next_due_at
      LIMIT ${limit}
      FOR UPDATE OF ls SKIP LOCKED
    ), slot AS (
      SELECT due.*,
             mod(due.check_id::bigint * 2654435761, due.period_ms) AS offset_ms,
             greatest(now(), due.due_at) AS starts_at,
             floor(extract(epoch FROM greatest(now(), due.due_at)) * 1000)::bigint AS starts_ms
      FROM due
    )
    UPDATE location_states ls
    SET lease_run_id = gen_random_uuid(),
        leased_until = slot.starts_at + (slot.timeout_ms + ${LEASE_GRACE_MS}) * interval '1 millisecond',
        next_due_at = timestamptz 'epoch'
          + (((slot.starts_ms - slot.offset_ms) / slot.period_ms + 1) * slot.period_ms + slot.offset_ms) * interval '1 millisecond',
        -- freshUntilMs of libs/quorum from the latest evaluated result: exact, and free here (this
        -- update is never HOT: next_due_at is indexed), so that the evaluation, which keeps a
        -- fresh_until still well ahead (strikesWrite of libs/evaluation), need not move it.
        fresh_until = CASE WHEN ls.last_result_at IS NULL OR ls.last_inconclusive THEN ls.fresh_until
          ELSE ls.last_result_at + (2000 * slot.interval_s + slot.timeout_ms + ${FRESHNESS_GRACE_MS})::int * interval '1 millisecond' END
    -- Joined through the locked rows' ctids as an array: each leased row is then one fetch of its
    -- heap page (a TID scan), not a probe of the primary key (3-4 buffers more per row: a tenth of
    -- the lease's). The join alone (on the key or ctid) was planned as a hash join over a scan of
    -- every location state, on every poll (the generic plan cannot tell how few rows LIMIT leaves),
    -- and "= ANY (ARRAY(…))" beside the join as a nested loop that probed the key with the whole
    -- array once per leased row (n² rows read). A ctid is stable here: the rows are locked by the due CTE
    -- until this transaction ends. A row updated by another transaction after this statement's
    -- snapshot was taken is locked in its new version, which this snapshot cannot see: the TID scan
    -- skips it, and it stays due for the next poll (a key probe would have followed it instead).
    FROM slot, unnest(ARRAY(SELECT row_ctid FROM due)) AS leased(row_ctid)
    WHERE ls.ctid = leased.row_ctid AND slot.row_ctid = leased.row_ctid
    RETURNING ls.lease_run_id AS run_id, slot.check_uuid, slot.type, slot.target, slot.spec, slot.timeout_ms, slot.degraded_latency_ms, slot.due_at, slot.lease_expired`;
}
