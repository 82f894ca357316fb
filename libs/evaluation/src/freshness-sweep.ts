import { type Database, Prisma, type VigilTransaction, withTransaction } from '@vigil/db';
import { FRESHNESS_GRACE_MS, QuorumConfigError } from '@vigil/quorum';
import { loadSiteFacts } from './load-sites';
import type { EvaluationLogger } from './plan';
import { inMaintenanceAt } from './plan-check';
import { planFreshness, wentUnknown, type FreshnessCandidate } from './plan-freshness';
import { projectSites } from './status-projection';
import { planWriter } from './writer';

/**
 * The evaluator's freshness sweeper reads every check (a full pass) when it starts and at least
 * this often, and otherwise only the checks a state of which went stale since its previous pass.
 * The full pass is the safety net for what a window can miss: a check passed over while it had
 * pending results or an open event and whose locations then stayed silent, a result stored long
 * after it was taken, a location added that never reports (no fresh_until), a clock that jumped.
 */
export const FRESHNESS_FULL_PASS_MS = 10 * 60_000;

/**
 * An incremental pass looks this far back before the previous pass: a state written stale, its
 * `fresh_until` already past (a result stored or evaluated late), or a check passed over for its
 * pending results, is read again by the passes of the next half minute.
 */
export const FRESHNESS_WINDOW_MARGIN_MS = 30_000;

export interface FreshnessSweepOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** At most this many checks turned unknown in one call (one transaction each). */
  readonly maxChecks: number;
  readonly now?: () => Date;
  /**
   * Only the checks a state of which went stale (`fresh_until`) from this instant to now, read
   * through the index, and the `recheck` ones; absent, every enabled check (the full pass).
   */
  readonly since?: Date;
  /** With `since`: checks a previous pass passed over (see {@link freshnessSweeper}), read again by id. */
  readonly recheck?: readonly number[];
}

export interface FreshnessSweepCounts {
  /** Checks turned unknown. */
  readonly checks: number;
  /** Unknown spells opened. */
  readonly opened: number;
}

interface CandidateRow {
  id: number;
  uuid: string;
  endpoint_id: number;
  type: FreshnessCandidate['check']['type'];
  interval_s: number;
  timeout_ms: number;
  failing_threshold: number;
  passing_threshold: number;
  failing_locations_threshold: string;
  status: FreshnessCandidate['check']['status'];
  site_id: number;
  states: { location: string; failing_strikes: number; passing_strikes: number; resolved: boolean; last_result_at: string | null; last_ok: boolean | null; last_inconclusive: boolean; degraded_strikes: number }[];
}

/**
 * The checks time alone may have made unknown, with their location states, in one statement.
 * The SQL counts fresh, conclusive locations by freshForMs's rule against the quorum's
 * requiredLocations, so that a check with one silent location of three (a runner gone for good)
 * is not read again every sweep; it only narrows, the quorum decides. Checks with pending results are left to the evaluation, which
 * decides with them; an open outage, certificate event or spell decides the status itself.
 *
 * The full pass counts in one grouped pass over the checks and their states (hash join and
 * aggregate), not a subquery per check; it still reads every check (671 ms at 200,000 checks × 3
 * locations), so the sweeper runs it seldom and otherwise narrows first to the checks a state of
 * which went stale since `since`, through the index on `fresh_until`: a healthy location's
 * `fresh_until` is always ahead of the clock, and only the silent ones fall in the window.
 * Only the few checks it leaves are joined to their site, events and results, and read whole.
 */
function readCandidates(db: Pick<VigilTransaction, '$queryRaw'>, at: Date, only: CandidatesFilter): Promise<CandidateRow[]> {
  return db.$queryRaw<CandidateRow[]>(candidatesStatement(at, only));
}

/** Every check (null), one check, or a window of `fresh_until` and the checks to read again. */
type CandidatesFilter = { id: number } | { since: Date; recheck: readonly number[] } | null;

/** The statement of {@link readCandidates} (exported for the plan tests). */
export function candidatesStatement(at: Date, only: CandidatesFilter): Prisma.Sql {
  const narrowed =
    only === null
      ? Prisma.empty
      : 'id' in only
        ? Prisma.sql`AND c.id = ${only.id}`
        : // A state is fresh up to and including fresh_until (isFresh): it went stale in [since, at) when fresh_until is.
          Prisma.sql`AND c.id IN (SELECT check_id FROM location_states
              WHERE fresh_until >= ${only.since.toISOString()}::timestamptz AND fresh_until < ${at.toISOString()}::timestamptz
            UNION ALL SELECT unnest(${[...only.recheck]}::int[]))`;
  return Prisma.sql`
    WITH short AS (
      SELECT c.id
      FROM checks c LEFT JOIN location_states ls ON ls.check_id = c.id
      WHERE c.enabled AND c.deleted_at IS NULL AND c.status NOT IN ('unknown', 'paused')
        ${narrowed}
      GROUP BY c.id
      HAVING count(*) FILTER (WHERE NOT ls.last_inconclusive
               AND ls.last_result_at >= ${at.toISOString()}::timestamptz - make_interval(secs => 2 * c.interval_s + c.timeout_ms / 1000.0 + ${FRESHNESS_GRACE_MS / 1000}::float8))
          -- requiredLocations, in SQL; a threshold it cannot read keeps the check a candidate, so the sweep warns of it.
          < CASE
              WHEN c.failing_locations_threshold ~ '^[[:space:]]*[0-9]+[[:space:]]*$' THEN c.failing_locations_threshold::int
              WHEN c.failing_locations_threshold ~ '^[[:space:]]*[0-9]+([.][0-9]+)?[[:space:]]*%[[:space:]]*$'
                THEN LEAST(count(ls.location), GREATEST(1, ceil(rtrim(btrim(c.failing_locations_threshold), '% ')::numeric * count(ls.location) / 100 - 1e-9)))
              ELSE count(ls.location) + 1
            END
    )
    SELECT c.id, c.uuid, c.endpoint_id, c.type::text AS type, c.interval_s, c.timeout_ms, c.failing_threshold, c.passing_threshold,
      c.failing_locations_threshold, c.status::text AS status, e.site_id,
      (SELECT json_agg(json_build_object('location', ls.location, 'failing_strikes', ls.failing_strikes, 'passing_strikes', ls.passing_strikes,
          'resolved', ls.resolved, 'last_result_at', ls.last_result_at, 'last_ok', ls.last_ok, 'last_inconclusive', ls.last_inconclusive,
          'degraded_strikes', ls.degraded_strikes) ORDER BY ls.location)
        FROM location_states ls WHERE ls.check_id = c.id) AS states
    FROM short JOIN checks c ON c.id = short.id JOIN endpoints e ON e.id = c.endpoint_id JOIN sites s ON s.id = e.site_id
    WHERE s.archived_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM site_events ev WHERE ev.check_id = c.id AND ev.ended_at IS NULL
        AND ev.event_type IN ('degraded', 'seems_down', 'down', 'cert_expiring', 'unknown'))
      AND NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.check_id = c.id)
    ORDER BY c.id`;
}

/**
 * A location's `fresh_until` may lag its real freshness (a lower bound: strikesWrite of the
 * evaluation keeps one still well ahead rather than move it with every result). When the window
 * reaches such a state (or its check is read again by id) and its latest result still keeps it
 * fresh at `at`, this moves fresh_until to the exact instant, in the window of a later pass;
 * states already stale keep theirs, for the candidates read below. Rows another transaction
 * holds (a lease, an evaluation, which move fresh_until themselves) are skipped, never waited
 * for, and their checks returned, to be read again by the next pass.
 */
export function rearmStatement(at: Date, since: Date, recheck: readonly number[]): Prisma.Sql {
  const freshFor = Prisma.sql`(2000 * c.interval_s + c.timeout_ms + ${FRESHNESS_GRACE_MS})::int * interval '1 millisecond'`;
  const atTs = Prisma.sql`${at.toISOString()}::timestamptz`;
  return Prisma.sql`
    WITH win AS (
      SELECT ls.check_id, ls.location FROM location_states ls JOIN checks c ON c.id = ls.check_id
      WHERE (ls.fresh_until >= ${since.toISOString()}::timestamptz AND ls.fresh_until < ${atTs} OR ls.check_id = ANY(${[...recheck]}::int[]))
        AND ls.last_result_at IS NOT NULL AND NOT ls.last_inconclusive
        AND ls.last_result_at + ${freshFor} >= ${atTs} AND ls.fresh_until < ls.last_result_at + ${freshFor}
    ), locked AS (
      -- The ANY on check_id keeps each a probe of the (check_id, location) key whatever the planner guesses of win.
      SELECT check_id, location FROM location_states
      WHERE check_id = ANY(ARRAY(SELECT check_id FROM win)) AND (check_id, location) IN (SELECT check_id, location FROM win)
      ORDER BY check_id, location FOR NO KEY UPDATE SKIP LOCKED
    ), moved AS (
      UPDATE location_states ls SET fresh_until = ls.last_result_at + ${freshFor}
      FROM checks c, locked l
      WHERE c.id = ls.check_id AND ls.check_id = l.check_id AND ls.location = l.location AND ls.check_id = ANY(ARRAY(SELECT check_id FROM locked))
        AND ls.last_result_at IS NOT NULL AND NOT ls.last_inconclusive
      RETURNING ls.check_id, ls.location
    )
    SELECT DISTINCT check_id FROM win w WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.check_id = w.check_id AND m.location = w.location)`;
}

function toCandidate(row: CandidateRow): FreshnessCandidate {
  return {
    check: {
      id: row.id,
      uuid: row.uuid,
      endpointId: row.endpoint_id,
      type: row.type,
      intervalS: row.interval_s,
      timeoutMs: row.timeout_ms,
      failingThreshold: row.failing_threshold,
      passingThreshold: row.passing_threshold,
      failingLocationsThreshold: row.failing_locations_threshold,
      status: row.status,
    },
    siteId: row.site_id,
    states: (row.states ?? []).map((s) => ({
      location: s.location,
      failingStrikes: s.failing_strikes,
      passingStrikes: s.passing_strikes,
      resolved: s.resolved,
      lastResultAt: s.last_result_at === null ? null : new Date(s.last_result_at),
      lastOk: s.last_ok,
      lastInconclusive: s.last_inconclusive,
      degradedStrikes: s.degraded_strikes,
    })),
  };
}

/**
 * Results stop arriving when runners die, so nothing would evaluate their checks again: this
 * sweep finds checks whose fresh, conclusive locations fell below the quorum with time alone,
 * and turns each unknown (status, site projection, unknown spell opened, caused by a silent
 * location's runner_offline), one transaction per check with its row locked and re-read. One
 * statement when nothing changed. Read-only mode logs the plan instead.
 */
export async function sweepFreshness(db: Pick<Database, 'prisma'>, options: FreshnessSweepOptions): Promise<FreshnessSweepCounts> {
  const { checks, opened } = await sweepOnce(db, options);
  return { checks, opened };
}

/**
 * One pass, and the checks it passed over (`deferred`): candidates past maxChecks, and those time
 * made unknown that it did not turn (locked by an evaluation, in maintenance, read-only mode).
 */
async function sweepOnce(db: Pick<Database, 'prisma'>, options: FreshnessSweepOptions): Promise<FreshnessSweepCounts & { deferred: number[] }> {
  const at = (options.now ?? (() => new Date()))();
  const due: number[] = [];
  const deferred: number[] = [];
  const filter = options.since === undefined ? null : { since: options.since, recheck: options.recheck ?? [] };
  // Read-only mode writes nothing, fresh_until included; the evaluation moves none then either.
  if (filter !== null && !options.readOnly) {
    const skipped = await db.prisma.$queryRaw<{ check_id: number }[]>(rearmStatement(at, filter.since, filter.recheck));
    deferred.push(...skipped.map((row) => row.check_id));
  }
  for (const row of await readCandidates(db.prisma, at, filter)) {
    if (due.length >= options.maxChecks) {
      deferred.push(row.id);
      continue;
    }
    try {
      if (wentUnknown(toCandidate(row), at)) due.push(row.id);
    } catch (error) {
      // A check whose settings cannot make a quorum is the evaluation's to report; it is skipped here.
      if (!(error instanceof QuorumConfigError)) throw error;
      options.logger.warn('freshness sweep skipped a check: its quorum settings are invalid', { check: row.uuid, error: error.message });
    }
  }
  let checks = 0;
  let opened = 0;
  for (const id of due) {
    const written = await withTransaction(db, async (tx) => {
      const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM checks WHERE id = ${id} FOR NO KEY UPDATE SKIP LOCKED`;
      if (locked.length === 0) return null;
      // Re-read under the lock: an evaluation may have committed results since.
      const [row] = await readCandidates(tx, at, { id });
      if (row === undefined) return null;
      const candidate = toCandidate(row);
      const windows = await tx.maintenanceWindow.findMany({
        where: { siteId: candidate.siteId, startsAt: { lte: at }, AND: [{ OR: [{ checkId: null }, { checkId: id }] }, { OR: [{ endsAt: null }, { endsAt: { gt: at } }] }] },
      });
      const offline = await tx.siteEvent.findMany({ where: { eventType: 'runner_offline', endedAt: null, checkId: null }, select: { id: true, location: true } });
      const runnersOffline = new Map(offline.flatMap((e) => (e.location === null ? [] : [[e.location, e.id] as const])));
      const plan = planFreshness({ candidate, inMaintenance: inMaintenanceAt(windows, at), runnersOffline }, at);
      if (plan === null) return null;
      const writer = planWriter(tx, { readOnly: options.readOnly, logger: options.logger, now: () => at });
      const { events } = await writer.apply(plan.events);
      // The site is locked after the event rows are written, as the evaluation does it (ADR 0002).
      const sites = projectSites(await loadSiteFacts(tx, [plan.site]), [plan.site]);
      await writer.apply([plan.status, ...sites]);
      return events.length;
    });
    // Read-only mode writes nothing: the check is still unknown by time, and passed over.
    if (written === null || options.readOnly) {
      deferred.push(id);
      if (written === null) continue;
    }
    checks++;
    opened += written;
  }
  return { checks, opened, deferred: [...new Set(deferred)] };
}

/** A pass of {@link freshnessSweeper}: the counts, and whether it was a full pass. */
export interface FreshnessPass extends FreshnessSweepCounts {
  readonly full: boolean;
}

/**
 * The evaluator's freshness sweep, pass after pass: a full pass first and every `fullPassMs`
 * (FRESHNESS_FULL_PASS_MS), and in between incremental passes over the states that went stale
 * since the previous pass, less FRESHNESS_WINDOW_MARGIN_MS, and the checks the previous pass
 * passed over (past maxChecks, locked by an evaluation, in maintenance: read again every pass
 * until they turn unknown or stop being candidates). More of those than maxChecks, or a clock
 * gone back, make the next pass full. A pass that failed leaves its window to the next.
 */
export function freshnessSweeper(fullPassMs = FRESHNESS_FULL_PASS_MS): (db: Pick<Database, 'prisma'>, options: Omit<FreshnessSweepOptions, 'since' | 'recheck'>) => Promise<FreshnessPass> {
  let covered: number | null = null;
  let fullDueAt = 0;
  let recheck: readonly number[] = [];
  return async (db, options) => {
    const at = (options.now ?? (() => new Date()))();
    const full = covered === null || at.getTime() >= fullDueAt || at.getTime() < covered || recheck.length > options.maxChecks;
    const since = full || covered === null ? undefined : new Date(covered - FRESHNESS_WINDOW_MARGIN_MS);
    const { checks, opened, deferred } = await sweepOnce(db, { ...options, now: () => at, since, recheck });
    covered = at.getTime();
    if (full) fullDueAt = covered + fullPassMs;
    recheck = deferred;
    return { checks, opened, full };
  };
}
