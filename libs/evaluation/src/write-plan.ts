import { OUTBOX_CHANNEL, PREPARED, Prisma, type SiteEvent, sqlTx, type SqlTx, type Transaction } from '@vigil/db';
import { logNote, type EventUuid } from './log-plan';
import type {
  CauseLink,
  CheckStatusUpdate,
  EvaluationLogger,
  EventChange,
  Plan,
  PlanWriter,
  ResultsEvaluated,
  SiteCheckedUpdate,
  SiteRef,
  SiteStatusUpdate,
  StrikesUpdate,
} from './plan';

const EVENT_COLUMNS = Prisma.sql`ev.id, ev.uuid, ev.site_id AS "siteId", ev.endpoint_id AS "endpointId", ev.check_id AS "checkId",
  ev.check_type::text AS "checkType", ev.location, ev.event_type::text AS "eventType", ev.severity::text AS severity,
  ev.started_at AS "startedAt", ev.ended_at AS "endedAt", ev.resolution_reason::text AS "resolutionReason",
  ev.cause_event_id AS "causeEventId", ev.metadata, ev.created_at AS "createdAt"`;

function eventWrite(siteId: number, change: EventChange, onId: bigint | null, metadata: string): Prisma.Sql {
  const t = change.mutation;
  if (t.kind === 'open') {
    const cause = change.causeEventId === null ? null : String(change.causeEventId);
    return Prisma.sql`INSERT INTO site_events (site_id, endpoint_id, check_id, check_type, location, cause_event_id, event_type, severity, started_at, metadata)
      VALUES (${siteId}, ${change.endpointId}, ${change.checkId}, ${change.checkType}::check_type, ${change.location}, ${cause}::bigint,
        ${t.event.type}::event_type, ${t.event.severity}::event_severity, ${new Date(t.event.startedAt).toISOString()}::timestamptz, ${metadata}::jsonb)
      RETURNING *`;
  }
  if (onId === null) throw new Error(`cannot ${t.kind} an event that is not open`);
  const id = String(onId);
  return t.kind === 'upgrade'
    ? // The event describes its current state: a confirmed outage carries the confirming failure.
      Prisma.sql`UPDATE site_events SET event_type = ${t.event.type}::event_type, severity = ${t.event.severity}::event_severity, metadata = ${metadata}::jsonb
        WHERE id = ${id}::bigint RETURNING *`
    : Prisma.sql`UPDATE site_events SET ended_at = ${new Date(t.at).toISOString()}::timestamptz, resolution_reason = ${t.event.resolutionReason}::resolution_reason
        WHERE id = ${id}::bigint RETURNING *`;
}

/**
 * Writes one event change: the event (insert, in-place change keeping `started_at`, or close), its
 * audit row, and an outbox row per channel of `change.notify`, in one statement (one round trip).
 * Returns the event row as written.
 */
export async function writeMutation(tx: Transaction, siteId: number, change: EventChange, onId: bigint | null): Promise<SiteEvent> {
  const t = change.mutation;
  const metadata = JSON.stringify(change.audit.metadata);
  const channels = t.notification === null ? [] : [...change.notify];
  const [row] = await sqlTx(tx).query<SiteEvent>(Prisma.sql`
    WITH ev AS (${eventWrite(siteId, change, onId, metadata)}),
    tr AS (
      INSERT INTO event_transitions (event_id, site_id, state_before, state_after, severity_before, severity_after, reason, source, metadata, at)
      SELECT ev.id, ${siteId}, ${t.stateBefore}::event_type, ${t.stateAfter}::event_type, ${t.severityBefore}::event_severity,
        ${t.severityAfter}::event_severity, ${t.reason}::transition_reason, ${change.audit.source}, ${metadata}::jsonb, ${new Date(t.at).toISOString()}::timestamptz
      FROM ev RETURNING id
    ),
    nt AS (
      -- Stable across retries and evaluator restarts: one row per (event, transition, channel).
      INSERT INTO notifications (site_id, event_id, transition_id, channel_id, kind, idempotency_key)
      SELECT ${siteId}, ev.id, tr.id, ch.id, ${t.notification}::notification_kind, ev.uuid || ':' || tr.id || ':' || ch.id
      FROM ev, tr, unnest(${channels}::int[]) AS ch(id)
      RETURNING 1
    ),
    woken AS (
      -- Delivered at commit, and only then: the notifier never wakes for rows it cannot see yet.
      SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT 1 FROM nt LIMIT 1) AS any_written
    )
    SELECT ${EVENT_COLUMNS}
    FROM ev, tr
    -- A plain SELECT in WITH runs only when read: this reads it, once.
    WHERE (SELECT count(*) FROM woken) >= 0`);
  if (row === undefined) throw new Error(`cannot ${t.kind} event ${onId ?? ''}: it is not open`);
  // Prisma reads int8 as a bigint, pg as a string.
  return { ...row, id: BigInt(row.id), causeEventId: row.causeEventId === null ? null : BigInt(row.causeEventId) };
}

/**
 * Links an open event to its cause, if it has none yet, with its `cause_linked` audit row (state
 * and severity as they are) in one statement. False when the event had closed or had a cause.
 */
async function writeCauseLink(tx: SqlTx, step: CauseLink, cause: SiteEvent): Promise<boolean> {
  const metadata = JSON.stringify({ ...step.audit.metadata, cause_event: cause.uuid });
  const rows = await tx.query<{ id: bigint }>(Prisma.sql`
    WITH ev AS (
      UPDATE site_events SET cause_event_id = ${String(cause.id)}::bigint
      WHERE id = ${String(step.on.id)}::bigint AND ended_at IS NULL AND cause_event_id IS NULL
      RETURNING id, site_id, event_type, severity
    )
    INSERT INTO event_transitions (event_id, site_id, state_before, state_after, severity_before, severity_after, reason, source, metadata, at)
    SELECT ev.id, ev.site_id, ev.event_type, ev.event_type, ev.severity, ev.severity, 'cause_linked'::transition_reason, ${step.audit.source},
      ${metadata}::jsonb, ${step.at.toISOString()}::timestamptz
    FROM ev RETURNING id`);
  return rows.length > 0;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const json = (rows: readonly object[]) => JSON.stringify(rows);

// The UPDATEs below name their ids twice: joined to the JSON rows, which the planner guesses at
// 100 whatever their number, the target alone was read by a hash join over a Seq Scan of the
// whole table (every location state, every check) on every pass; `id = ANY(array)` (for location_states `check_id = ANY(array)`) is a probe
// of the primary key whatever the guess.

/**
 * How far ahead of the evaluation's clock a stored `fresh_until` must be for the evaluation to
 * leave it as it is (see strikesWrite): longer than an evaluation's transaction takes to commit,
 * so that no freshness sweep has read the state at that instant before the new result is visible
 * (each of its statements is bounded at 10 s). No more: a check every 20 s with a 5 s timeout is
 * fresh for 55 s after its result, and the fresh_until the lease set from the previous result
 * is then 35 s ahead of the next one; at 60 s every such result moved it, a second non-HOT
 * update of the row (three index entries, and dead ones in the lease's (location, next_due_at)).
 */
export const FRESH_UNTIL_KEPT_AHEAD_MS = 30_000;

/**
 * The strikes that changed (`location_states`), as a data-modifying CTE of {@link writeProjections}.
 *
 * `fresh_until` is written only when it must move: a stored one that is not after the new one
 * (a lower bound: the location is fresh at least that long) and still FRESH_UNTIL_KEPT_AHEAD_MS
 * ahead is kept. Then no indexed column changes and the update is HOT (no index entry, the new
 * version on the same page): the index on fresh_until made every evaluated result a second
 * non-HOT update of the row, after the lease's. A lagging fresh_until is moved when the
 * freshness sweep's window reaches it and the location is still fresh (rearmFreshUntil), or by
 * the next lease (leaseStatement), whichever comes first.
 *
 * `leased_until` is cleared when the lease's run is among the results evaluated (the CASE on
 * `lease_run_id`: a newer lease, taken since, is kept). The lease then frees the row without
 * looking the run's result up in check_results, a probe that was the lease's largest cost; a run
 * stored but not evaluated yet is still found by that probe. leased_until is not indexed, so
 * this keeps the update HOT.
 */
function strikesWrite(updates: readonly StrikesUpdate[], now: string): Prisma.Sql {
  const rows = updates.map(({ checkId, location, columns: c, freshUntil, runIds }) => ({
    check_id: checkId,
    location,
    failing_strikes: c.failingStrikes,
    passing_strikes: c.passingStrikes,
    resolved: c.resolved,
    last_result_at: iso(c.lastResultAt),
    last_ok: c.lastOk,
    last_inconclusive: c.lastInconclusive,
    degraded_strikes: c.degradedStrikes,
    fresh_until: iso(freshUntil),
    run_ids: runIds,
  }));
  return Prisma.sql`
    UPDATE location_states ls SET failing_strikes = s.failing_strikes, passing_strikes = s.passing_strikes, resolved = s.resolved,
      last_result_at = s.last_result_at, last_ok = s.last_ok, last_inconclusive = s.last_inconclusive,
      degraded_strikes = s.degraded_strikes,
      fresh_until = CASE WHEN s.fresh_until IS NOT NULL AND ls.fresh_until IS NOT NULL AND ls.fresh_until <= s.fresh_until
                          AND ls.fresh_until >= ${now}::timestamptz + ${FRESH_UNTIL_KEPT_AHEAD_MS}::int * interval '1 millisecond'
                         THEN ls.fresh_until ELSE s.fresh_until END,
      leased_until = CASE WHEN ls.lease_run_id = ANY(s.run_ids) THEN NULL ELSE ls.leased_until END
    FROM jsonb_to_recordset(${json(rows)}::jsonb)
      AS s(check_id int, location text, failing_strikes int, passing_strikes int, resolved boolean, last_result_at timestamptz, last_ok boolean, last_inconclusive boolean, degraded_strikes int,
        fresh_until timestamptz, run_ids uuid[])
    WHERE ls.check_id = s.check_id AND ls.location = s.location AND ls.check_id = ANY(${updates.map((u) => u.checkId)}::int[])
    RETURNING 1`;
}

function checkStatusesWrite(updates: readonly CheckStatusUpdate[], now: string): Prisma.Sql {
  const rows = updates.map((u) => ({
    id: u.checkId,
    status: u.status,
    last_status_change_at: iso(u.lastStatusChangeAt),
    last_checked_at: iso(u.lastCheckedAt),
  }));
  // updated_at moves as it did when the row was written through Prisma (@updatedAt).
  return Prisma.sql`
    UPDATE checks c SET status = s.status::site_status, last_status_change_at = s.last_status_change_at,
      last_checked_at = COALESCE(s.last_checked_at, c.last_checked_at), updated_at = ${now}::timestamptz
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS s(id int, status text, last_status_change_at timestamptz, last_checked_at timestamptz)
    WHERE c.id = s.id AND c.id = ANY(${updates.map((u) => u.checkId)}::int[])
    RETURNING 1`;
}

function siteStatusesWrite(updates: readonly SiteStatusUpdate[]): Prisma.Sql {
  const rows = updates.map((u) => ({
    id: u.siteId,
    status: u.status,
    last_checked_at: iso(u.lastCheckedAt),
    last_status_change_at: iso(u.lastStatusChangeAt),
  }));
  return Prisma.sql`
    UPDATE sites s SET status = u.status::site_status,
      last_checked_at = COALESCE(u.last_checked_at, s.last_checked_at),
      last_status_change_at = COALESCE(u.last_status_change_at, s.last_status_change_at)
    FROM jsonb_to_recordset(${json(rows)}::jsonb) AS u(id int, status text, last_checked_at timestamptz, last_status_change_at timestamptz)
    WHERE s.id = u.id AND s.id = ANY(${updates.map((u) => u.siteId)}::int[])
    RETURNING 1`;
}

/**
 * How far a site's `last_checked_at` may trail its newest result. A site's row is shared by every
 * evaluator working on any of its checks: written (and locked) for each batch, a site of a hundred
 * checks had a write per second at a 5-minute interval, as many site writes as results at scale.
 */
export const SITE_CHECKED_RESOLUTION_S = 5;

/**
 * Moves the sites' `last_checked_at` forward, their status kept, for the sites it trails by more
 * than SITE_CHECKED_RESOLUTION_S: the others are neither locked nor written. The rows are locked
 * in id order first (the subquery), as loadSiteFacts locks them: two evaluators never take them in
 * opposite orders. A site checked as late meanwhile is locked and left unwritten.
 */
function sitesCheckedWrite(updates: readonly SiteCheckedUpdate[]): Prisma.Sql {
  const rows = json(updates.map((u) => ({ id: u.siteId, last_checked_at: u.lastCheckedAt.toISOString() })));
  const trails = (site: Prisma.Sql, row: Prisma.Sql) =>
    Prisma.sql`(${site}.last_checked_at IS NULL OR ${site}.last_checked_at < ${row}.last_checked_at - ${SITE_CHECKED_RESOLUTION_S} * interval '1 second')`;
  return Prisma.sql`
    UPDATE sites s SET last_checked_at = u.last_checked_at
    FROM (SELECT t.id FROM sites t JOIN jsonb_to_recordset(${rows}::jsonb) AS n(id int, last_checked_at timestamptz) ON n.id = t.id
          WHERE t.id = ANY(${updates.map((u) => u.siteId)}::int[]) AND ${trails(Prisma.raw('t'), Prisma.raw('n'))}
          ORDER BY t.id FOR NO KEY UPDATE OF t) AS locked,
      jsonb_to_recordset(${rows}::jsonb) AS u(id int, last_checked_at timestamptz)
    WHERE s.id = locked.id AND u.id = locked.id AND (s.last_checked_at IS NULL OR s.last_checked_at < u.last_checked_at)
    RETURNING 1`;
}

/**
 * Takes the evaluated results off the queue: exactly those the evaluation read, never one stored
 * since (its check is locked, but results are stored without that lock). Read through the queue's
 * primary key for the batch's checks (`check_id = ANY`: a probe whatever the planner guesses of
 * the arrays), then matched to the pairs. This replaced an UPDATE of each result's evaluated_at:
 * a second, non-HOT version of the widest row, with an entry in each of its indexes.
 */
function evaluatedWrite(evaluated: readonly ResultsEvaluated[]): Prisma.Sql {
  const checks = evaluated.flatMap((u) => u.resultIds.map(() => u.checkId));
  const ids = evaluated.flatMap((u) => u.resultIds.map(String));
  return Prisma.sql`DELETE FROM pending_results p USING unnest(${checks}::int[], ${ids}::bigint[]) AS d(check_id, result_id)
    WHERE p.check_id = ANY(${[...new Set(checks)]}::int[]) AND p.check_id = d.check_id AND p.result_id = d.result_id
    RETURNING 1`;
}

/**
 * The projections of a plan (strikes, check and site statuses, the queue's evaluated results) in one statement,
 * one data-modifying CTE per table that has rows to write: one round trip per batch instead of
 * four. The CTEs touch different tables, so running them on one snapshot changes nothing; a
 * plan projects its sites one way or the other (site_status after reading them, site_checked
 * without), never both: two CTEs updating one row would lose one of the writes.
 */
async function writeProjections(tx: SqlTx, parts: ProjectionParts, now: string): Promise<void> {
  const statement = projectionsStatement(parts, now);
  if (statement !== null) await tx.execute(statement);
}

interface ProjectionParts {
  strikes: readonly StrikesUpdate[];
  checks: readonly CheckStatusUpdate[];
  sites: readonly SiteStatusUpdate[];
  checked: readonly SiteCheckedUpdate[];
  evaluated: readonly ResultsEvaluated[];
}

/** writeProjections's statement, or null when nothing is to be written (exported for the plan tests). */
export function projectionsStatement(parts: ProjectionParts, now: string): Prisma.Sql | null {
  if (parts.sites.length > 0 && parts.checked.length > 0) throw new Error('a plan projects its sites as site_status or as site_checked, not both');
  const evaluated = parts.evaluated.filter((u) => u.resultIds.length > 0);
  const writes = [
    ...(parts.strikes.length === 0 ? [] : [strikesWrite(parts.strikes, now)]),
    ...(parts.checks.length === 0 ? [] : [checkStatusesWrite(parts.checks, now)]),
    ...(parts.sites.length === 0 ? [] : [siteStatusesWrite(parts.sites)]),
    ...(parts.checked.length === 0 ? [] : [sitesCheckedWrite(parts.checked)]),
    ...(evaluated.length === 0 ? [] : [evaluatedWrite(evaluated)]),
  ];
  if (writes.length === 0) return null;
  const ctes = Prisma.join(
    writes.map((write, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${write})`),
    ', ',
  );
  // Every data-modifying CTE runs to completion whether or not it is read. Prepared: a pass writes
  // one of a few shapes (which tables have rows), each the same text every time.
  return Prisma.sql`${Prisma.raw(PREPARED)} WITH ${ctes} SELECT 1`;
}

export interface DatabaseWriterOptions {
  readonly logger: EvaluationLogger;
  /** For `updated_at` (tests pin it). */
  readonly now: () => Date;
}

/**
 * The one writer of the evaluator: applies a plan in the caller's transaction. Event changes go
 * in plan order, each on the row the one before it left; the projections follow, one statement
 * per table whatever the number of checks.
 */
export function databaseWriter(on: Transaction, options: DatabaseWriterOptions): PlanWriter {
  const tx = sqlTx(on);
  // The runners' site and a loaded cause go through Prisma's models: only the sweeps, in Prisma's transaction, plan them.
  const models = () => {
    if (tx.prisma === undefined) throw new Error("this plan's steps need Prisma's transaction");
    return tx.prisma;
  };
  const sites = new Map<string, number>();
  const siteIdOf = async (site: SiteRef): Promise<number> => {
    if ('id' in site) return site.id;
    const known = sites.get(site.create.slug);
    if (known !== undefined) return known;
    const row = await models().site.upsert({ where: { slug: site.create.slug }, create: { ...site.create }, update: {} });
    sites.set(site.create.slug, row.id);
    return row.id;
  };
  return {
    async apply(plan: Plan) {
      const opened = new Map<string, SiteEvent>();
      const uuidOf: EventUuid = (ref) => (ref == null ? null : 'uuid' in ref ? ref.uuid : (opened.get(ref.opened)?.uuid ?? null));
      const events: EventChange[] = [];
      for (const step of plan) {
        if (step.kind === 'note') logNote(options.logger, step, uuidOf);
        if (step.kind === 'cause_link') {
          const cause = 'opened' in step.cause ? opened.get(step.cause.opened) : await models().siteEvent.findUnique({ where: { id: step.cause.id } });
          if (cause !== undefined && cause !== null && (await writeCauseLink(tx, step, cause)) && step.log.written !== undefined) {
            options.logger[step.log.written.level](step.log.written.message, { ...step.log.fields, event: step.on.uuid, cause_event: cause.uuid });
          }
        }
        if (step.kind !== 'event') continue;
        const on = step.on === null ? null : 'id' in step.on ? step.on.id : (opened.get(step.on.opened)?.id ?? null);
        const event = await writeMutation(tx, await siteIdOf(step.site), step, on);
        events.push(step);
        if (step.key !== null) opened.set(step.key, event);
        const written = step.log.written;
        if (written !== undefined) options.logger[written.level](written.message, { ...step.log.fields, event: event.uuid, ...written.fields });
      }
      const now = options.now().toISOString();
      const of = <K extends Exclude<Plan[number]['kind'], 'event' | 'note' | 'cause_link'>>(kind: K) =>
        plan.filter((step): step is Extract<Plan[number], { kind: K }> => step.kind === kind);
      await writeProjections(
        tx,
        { strikes: of('strikes'), checks: of('check_status'), sites: of('site_status'), checked: of('site_checked'), evaluated: of('results_evaluated') },
        now,
      );
      return { events };
    },
  };
}
