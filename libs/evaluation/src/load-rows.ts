import { type Check, type CheckResult, type LocationState, type NotificationChannel, PREPARED, type SiteEvent, type SqlTx } from '@vigil/db';

/**
 * A row as JSON carries it: timestamps as ISO strings, bigints as strings (a JSON number would
 * round ids past 2^53). Typed from the Prisma model, so a column added to the model that needs
 * converting fails to compile in the mapper below rather than reaching the planner as a string.
 */
type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] extends bigint ? string : T[K] extends bigint | null ? string | null : T[K];
};

/**
 * The columns evaluating reads, no more: a pass loads every pending check, result and state as
 * JSON, and each column left out is less for PostgreSQL to build and for the evaluator to parse
 * (the checks' spec, the results' timings, the states' leases, the channels' config). The run ids
 * are read: evaluating a location's leased run ends its lease (see strikesWrite).
 */
export const CHECK_FIELDS = [
  'id',
  'uuid',
  'endpointId',
  'type',
  'enabled',
  'deletedAt',
  'status',
  'lastCheckedAt',
  'lastStatusChangeAt',
  'failingThreshold',
  'passingThreshold',
  'failingLocationsThreshold',
  'intervalS',
  'timeoutMs',
] as const satisfies readonly (keyof Check)[];
export const RESULT_FIELDS = [
  'id',
  'checkId',
  'runId',
  'location',
  'ok',
  'inconclusive',
  'degraded',
  'statusCode',
  'latencyMs',
  'errorCode',
  'error',
  'details',
  'checkedAt',
] as const satisfies readonly (keyof CheckResult)[];
export const STATE_FIELDS = [
  'checkId',
  'location',
  'failingStrikes',
  'passingStrikes',
  'resolved',
  'lastResultAt',
  'lastOk',
  'lastInconclusive',
  'degradedStrikes',
] as const satisfies readonly (keyof LocationState)[];
/** What deciding who is told needs of a channel (never its config, which holds its secrets). */
export const CHANNEL_FIELDS = ['id', 'siteIds', 'notifyOnSeemsDown', 'notifyOnDegraded'] as const satisfies readonly (keyof NotificationChannel)[];

export type EvaluatedCheck = Pick<Check, (typeof CHECK_FIELDS)[number]>;
export type EvaluatedResult = Pick<CheckResult, (typeof RESULT_FIELDS)[number]>;
export type EvaluatedState = Pick<LocationState, (typeof STATE_FIELDS)[number]>;
export type EvaluatedChannel = Pick<NotificationChannel, (typeof CHANNEL_FIELDS)[number]>;

export type CheckRow = EvaluatedCheck & { readonly siteId: number };
/** A runner_offline event, as much of it as a spell needs. */
export type OfflineRow = Pick<SiteEvent, 'id' | 'uuid' | 'location' | 'startedAt' | 'endedAt' | 'metadata'>;

/** What evaluating a batch of checks reads, all of it from one snapshot. */
export interface BatchRows {
  readonly checks: readonly CheckRow[];
  /** In check, `checked_at`, id order. */
  readonly results: readonly EvaluatedResult[];
  /** In check, location order. */
  readonly states: readonly EvaluatedState[];
  /** The open events the checks' results drive (degraded/seems_down/down, cert_expiring, unknown). */
  readonly events: readonly SiteEvent[];
  /** Enabled channels that apply to any of the checks' sites, in id order. */
  readonly channels: readonly EvaluatedChannel[];
  /** runner_offline events open or ended after the earliest pending result, in id order (none without results). */
  readonly offline: readonly OfflineRow[];
  /** Whether the checks' sites have any maintenance window at all, past ones included: if not, none is read. */
  readonly anyWindow: boolean;
}

const date = (at: string): Date => new Date(at);
const dateOrNull = (at: string | null): Date | null => (at === null ? null : new Date(at));
const bigintOrNull = (id: string | null): bigint | null => (id === null ? null : BigInt(id));

const toCheck = (c: Wire<CheckRow>): CheckRow => ({
  ...c,
  lastCheckedAt: dateOrNull(c.lastCheckedAt),
  lastStatusChangeAt: dateOrNull(c.lastStatusChangeAt),
  deletedAt: dateOrNull(c.deletedAt),
});

const toResult = (r: Wire<EvaluatedResult>): EvaluatedResult => ({ ...r, id: BigInt(r.id), checkedAt: date(r.checkedAt) });

const toState = (s: Wire<EvaluatedState>): EvaluatedState => ({ ...s, lastResultAt: dateOrNull(s.lastResultAt) });

const toEvent = (e: Wire<SiteEvent>): SiteEvent => ({
  ...e,
  id: BigInt(e.id),
  causeEventId: bigintOrNull(e.causeEventId),
  startedAt: date(e.startedAt),
  endedAt: dateOrNull(e.endedAt),
  createdAt: date(e.createdAt),
});


const toOffline = (e: Wire<OfflineRow>): OfflineRow => ({ ...e, id: BigInt(e.id), startedAt: date(e.startedAt), endedAt: dateOrNull(e.endedAt) });

/**
 * Everything but the windows, as one row of JSON arrays: one round trip and one plan (prepared)
 * instead of a query per table. The filters and orders are those the Prisma reads had. Not merged
 * into the claim: this must see what an evaluator that held a claimed row committed before
 * releasing it, and a statement sees only what was committed when it began.
 */
export const LOAD = `${PREPARED}
  WITH batch AS (
    SELECT c.id, c.uuid, c.endpoint_id AS "endpointId", c.type, c.interval_s AS "intervalS", c.timeout_ms AS "timeoutMs",
      c.failing_threshold AS "failingThreshold", c.passing_threshold AS "passingThreshold", c.failing_locations_threshold AS "failingLocationsThreshold",
      c.enabled, c.status, c.last_checked_at AS "lastCheckedAt", c.last_status_change_at AS "lastStatusChangeAt", c.deleted_at AS "deletedAt",
      -- A scalar subquery, one probe of endpoints' primary key per check: as a join, the generic
      -- plan (which guesses the array's size) hashed every endpoint on every pass.
      (SELECT e.site_id FROM endpoints e WHERE e.id = c.endpoint_id) AS "siteId"
    FROM checks c
    WHERE c.id = ANY($1::int[])
  ),
  queued AS MATERIALIZED (
    SELECT result_id, checked_at FROM pending_results WHERE check_id = ANY($1::int[])
  ),
  pending AS (
    -- The checks' queued results, read in one index scan of check_results' primary key by their
    -- ids (unique: one sequence), in the partitions their checked_at span: pruned when the
    -- statement starts, whatever the generic plan guessed. As a join, that plan (which guesses
    -- the queue's size) hashed every partition of check_results read whole on every pass, a day's
    -- results by the evening: 0.1 s a pass at 270,000 results. A probe per queued result (a
    -- LATERAL) cost ~0.1 ms each, the partitions pruned again on every rescan.
    SELECT r.id, r.check_id, r.run_id, r.location, r.ok, r.inconclusive, r.degraded, r.status_code, r.latency_ms, r.error_code, r.error, r.details, r.checked_at
    FROM check_results r
    WHERE r.id = ANY(ARRAY(SELECT result_id FROM queued)) AND r.check_id = ANY($1::int[])
      AND r.checked_at >= (SELECT min(checked_at) FROM queued) AND r.checked_at <= (SELECT max(checked_at) FROM queued)
  )
  SELECT
    (SELECT json_agg(b) FROM batch b) AS checks,
    (SELECT json_agg(json_build_object(
        'id', r.id::text, 'checkId', r.check_id, 'runId', r.run_id, 'location', r.location, 'ok', r.ok, 'inconclusive', r.inconclusive, 'degraded', r.degraded,
        'statusCode', r.status_code, 'latencyMs', r.latency_ms, 'errorCode', r.error_code, 'error', r.error, 'details', r.details,
        'checkedAt', r.checked_at) ORDER BY r.check_id, r.checked_at, r.id)
      FROM pending r) AS results,
    (SELECT json_agg(s ORDER BY s."checkId", s.location) FROM (
      SELECT check_id AS "checkId", location, failing_strikes AS "failingStrikes", passing_strikes AS "passingStrikes", resolved,
        last_result_at AS "lastResultAt", last_ok AS "lastOk", last_inconclusive AS "lastInconclusive", degraded_strikes AS "degradedStrikes"
      FROM location_states WHERE check_id = ANY($1::int[])) s) AS states,
    (SELECT json_agg(ev) FROM (
      SELECT id::text AS id, uuid, site_id AS "siteId", endpoint_id AS "endpointId", check_id AS "checkId", check_type AS "checkType",
        location, event_type AS "eventType", severity, started_at AS "startedAt", ended_at AS "endedAt", resolution_reason AS "resolutionReason",
        cause_event_id::text AS "causeEventId", metadata, created_at AS "createdAt"
      FROM site_events
      WHERE check_id = ANY($1::int[]) AND event_type IN ('degraded', 'seems_down', 'down', 'cert_expiring', 'unknown') AND ended_at IS NULL) ev) AS events,
    (SELECT json_agg(ch ORDER BY ch.id) FROM (
      SELECT id, site_ids AS "siteIds", notify_on_seems_down AS "notifyOnSeemsDown", notify_on_degraded AS "notifyOnDegraded"
      FROM notification_channels
      WHERE enabled AND (COALESCE(cardinality(site_ids), 0) = 0 OR site_ids && ARRAY(SELECT "siteId" FROM batch))) ch) AS channels,
    (SELECT json_agg(json_build_object(
        'id', o.id::text, 'uuid', o.uuid, 'location', o.location, 'startedAt', o.started_at, 'endedAt', o.ended_at, 'metadata', o.metadata) ORDER BY o.id)
      FROM site_events o
      WHERE o.event_type = 'runner_offline' AND o.check_id IS NULL AND o.location IS NOT NULL
        AND (o.ended_at IS NULL OR o.ended_at > (SELECT min(checked_at) FROM pending))
        AND EXISTS (SELECT 1 FROM pending)) AS offline,
    EXISTS (SELECT 1 FROM maintenance_windows w WHERE w.site_id IN (SELECT "siteId" FROM batch)) AS "anyWindow"`;

interface LoadRow {
  checks: Wire<CheckRow>[] | null;
  results: Wire<EvaluatedResult>[] | null;
  states: Wire<EvaluatedState>[] | null;
  events: Wire<SiteEvent>[] | null;
  channels: EvaluatedChannel[] | null;
  offline: Wire<OfflineRow>[] | null;
  anyWindow: boolean;
}

/** Reads what evaluating the checks `ids` needs (their rows locked by the caller), but the windows, in one statement. */
export async function loadBatchRows(tx: SqlTx, ids: readonly number[]): Promise<BatchRows> {
  const [row] = await tx.query<LoadRow>({ text: LOAD, values: [[...ids]] });
  return {
    checks: (row.checks ?? []).map(toCheck),
    results: (row.results ?? []).map(toResult),
    states: (row.states ?? []).map(toState),
    events: (row.events ?? []).map(toEvent),
    channels: row.channels ?? [],
    offline: (row.offline ?? []).map(toOffline),
    anyWindow: row.anyWindow,
  };
}
