import { type NotificationChannel, OUTBOX_CHANNEL, Prisma, type SiteEvent, type VigilTransaction } from '@vigil/db';
import type { Mutation, NotificationKind } from '@vigil/lifecycle';

/** What the evaluator knows about the result behind a transition: stored in the event's and audit's metadata. */
export interface Observation {
  readonly location: string;
  readonly statusCode: number | null;
  readonly errorCode: string | null;
  readonly error: string | null;
  readonly failingLocations: readonly string[];
}

export interface TransitionTarget {
  readonly siteId: number;
  /** Null for a location-wide event (runner_offline), which names its `location` instead. */
  readonly checkId: number | null;
  readonly endpointId: number | null;
  readonly checkType: SiteEvent['checkType'];
  readonly location?: string;
  /** For an open: the event that caused this one (a location's runner_offline). */
  readonly causeEventId?: bigint | null;
  /** The open event the mutation was computed from (null for an open). */
  readonly event: SiteEvent | null;
  readonly channels: readonly NotificationChannel[];
}

export interface Written {
  /** The open event after the mutation; null after a close. */
  readonly event: SiteEvent | null;
  readonly eventId: bigint;
  readonly transitionId: bigint;
  readonly notifications: number;
}

/** Who caused a transition and what it saw: `location:<slug>` with its result, or `system` with its reason. */
export interface Audit {
  readonly source: string;
  readonly metadata: Prisma.InputJsonObject;
}

export function observationAudit(o: Observation): Audit {
  return { source: `location:${o.location}`, metadata: observationMetadata(o) };
}

function observationMetadata(o: Observation): Prisma.InputJsonObject {
  return {
    location: o.location,
    status_code: o.statusCode,
    error_code: o.errorCode,
    error: o.error,
    failing_locations: [...o.failingLocations],
  };
}

/** Whether a channel is told about `kind`: a suspicion only when it asked for it (`notify_on_seems_down`). */
export function channelWants(channel: NotificationChannel, kind: NotificationKind): boolean {
  return kind !== 'outage_suspected' || channel.notifyOnSeemsDown;
}

const EVENT_COLUMNS = Prisma.sql`ev.id, ev.uuid, ev.site_id AS "siteId", ev.endpoint_id AS "endpointId", ev.check_id AS "checkId",
  ev.check_type::text AS "checkType", ev.location, ev.event_type::text AS "eventType", ev.severity::text AS severity,
  ev.started_at AS "startedAt", ev.ended_at AS "endedAt", ev.resolution_reason::text AS "resolutionReason",
  ev.cause_event_id AS "causeEventId", ev.metadata, ev.created_at AS "createdAt"`;

function eventWrite(target: TransitionTarget, t: Mutation, metadata: string): Prisma.Sql {
  if (t.kind === 'open') {
    const cause = target.causeEventId === undefined || target.causeEventId === null ? null : String(target.causeEventId);
    return Prisma.sql`INSERT INTO site_events (site_id, endpoint_id, check_id, check_type, location, cause_event_id, event_type, severity, started_at, metadata)
      VALUES (${target.siteId}, ${target.endpointId}, ${target.checkId}, ${target.checkType}::check_type, ${target.location ?? null}, ${cause}::bigint,
        ${t.event.type}::event_type, ${t.event.severity}::event_severity, ${new Date(t.event.startedAt).toISOString()}::timestamptz, ${metadata}::jsonb)
      RETURNING *`;
  }
  if (target.event === null) throw new Error(`cannot ${t.kind} an event that is not open`);
  const id = String(target.event.id);
  return t.kind === 'upgrade'
    ? // The event describes its current state: a confirmed outage carries the confirming failure.
      Prisma.sql`UPDATE site_events SET event_type = ${t.event.type}::event_type, severity = ${t.event.severity}::event_severity, metadata = ${metadata}::jsonb
        WHERE id = ${id}::bigint RETURNING *`
    : Prisma.sql`UPDATE site_events SET ended_at = ${new Date(t.at).toISOString()}::timestamptz, resolution_reason = ${t.event.resolutionReason}::resolution_reason
        WHERE id = ${id}::bigint RETURNING *`;
}

/**
 * Writes one mutation: the event (insert, in-place change keeping `started_at`, or close), its
 * audit row, and an outbox row per channel that wants the notification, in one statement (one
 * round trip). The caller's transaction makes it one change with the rest of the evaluation.
 */
export async function applyTransition(tx: VigilTransaction, target: TransitionTarget, t: Mutation, audit: Audit): Promise<Written> {
  const metadata = JSON.stringify(audit.metadata);
  const kind = t.notification;
  const channels = kind === null ? [] : target.channels.filter((c) => channelWants(c, kind)).map((c) => c.id);
  const [row] = await tx.$queryRaw<(SiteEvent & { transitionId: bigint; notifications: number })[]>`
    WITH ev AS (${eventWrite(target, t, metadata)}),
    tr AS (
      INSERT INTO event_transitions (event_id, site_id, state_before, state_after, severity_before, severity_after, reason, source, metadata, at)
      SELECT ev.id, ${target.siteId}, ${t.stateBefore}::event_type, ${t.stateAfter}::event_type, ${t.severityBefore}::event_severity,
        ${t.severityAfter}::event_severity, ${t.reason}::transition_reason, ${audit.source}, ${metadata}::jsonb, ${new Date(t.at).toISOString()}::timestamptz
      FROM ev RETURNING id
    ),
    nt AS (
      -- Stable across retries and evaluator restarts: one row per (event, transition, channel).
      INSERT INTO notifications (site_id, event_id, transition_id, channel_id, kind, idempotency_key)
      SELECT ${target.siteId}, ev.id, tr.id, ch.id, ${kind}::notification_kind, ev.uuid || ':' || tr.id || ':' || ch.id
      FROM ev, tr, unnest(${channels}::int[]) AS ch(id)
      RETURNING 1
    ),
    woken AS (
      -- Delivered at commit, and only then: the notifier never wakes for rows it cannot see yet.
      SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT 1 FROM nt LIMIT 1) AS any_written
    )
    SELECT ${EVENT_COLUMNS}, tr.id AS "transitionId", (SELECT count(*) FROM nt)::int AS notifications
    FROM ev, tr
    -- A plain SELECT in WITH runs only when read: this reads it, once.
    WHERE (SELECT count(*) FROM woken) >= 0`;
  if (row === undefined) throw new Error(`cannot ${t.kind} event ${target.event?.uuid ?? ''}: it is not open`);
  const { transitionId, notifications, ...event } = row;
  return { event: t.kind === 'close' ? null : event, eventId: event.id, transitionId, notifications };
}
