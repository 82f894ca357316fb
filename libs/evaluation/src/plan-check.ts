import type { MaintenanceWindow, NotificationChannel, SiteEvent, SiteStatus } from '@vigil/db';
import { inMaintenance } from '@vigil/maintenance';
import {
  decideCertificate,
  decideOutageSteps,
  foldTransition,
  observeOutage,
  isMutation,
  type NotificationKind,
  parseEventSeverity,
  parseEventType,
  type EventState,
  type Mutation,
} from '@vigil/lifecycle';
import { createQuorumPolicy, freshForMs, freshUntilMs, isDegraded, outcomeOf, recordResult, type LocationState } from '@vigil/quorum';
import { openRunnersOffline, type CheckContext, type OfflineSpell } from './load-check';
import type { SiteProjection } from './load-sites';
import { toLocationState, toStrikeColumns, type StrikeColumns } from './location-row';
import type { CheckStatusUpdate, EventChange, EventRef, Note, ResultsEvaluated, SiteCheckedUpdate, SiteStatusUpdate, Step, StrikesUpdate } from './plan';
import { planUnknownSpell, type Spell } from './plan-unknown';
import { checkStatusOf } from './status-projection';

/** One check's plan, and how its status moved (what its site's projection needs). */
export interface CheckPlan {
  /** Its event changes and notes, in the order its results called for them. */
  readonly events: readonly (EventChange | Note)[];
  readonly strikes: readonly StrikesUpdate[];
  /** Null for a check that no longer counts (disabled, deleted): its results are only taken off the queue. */
  readonly status: CheckStatusUpdate | null;
  readonly evaluated: ResultsEvaluated;
  /** Its change as its site sees it; null when it does not count. */
  readonly site: SiteProjection | null;
}

/** An open event row as the lifecycle sees it. */
export function toEventState(row: Pick<SiteEvent, 'eventType' | 'severity' | 'startedAt'>): EventState {
  return {
    type: parseEventType(row.eventType),
    severity: parseEventSeverity(row.severity),
    startedAt: row.startedAt.getTime(),
    endedAt: null,
    resolutionReason: null,
  };
}

/** Whether `at` falls in one of the windows: a one-off window or an occurrence of a recurring one. */
export function inMaintenanceAt(windows: readonly MaintenanceWindow[], at: Date): boolean {
  return inMaintenance(windows, at.getTime());
}

/**
 * Whether a channel is told about `kind`: a suspicion only when it asked for it
 * (`notify_on_seems_down`), a degraded event and its recovery unless it opted out (`notify_on_degraded`).
 */
export function channelWants(channel: Pick<NotificationChannel, 'notifyOnSeemsDown' | 'notifyOnDegraded'>, kind: NotificationKind): boolean {
  if (kind === 'outage_suspected') return channel.notifyOnSeemsDown;
  if (kind === 'degraded_opened' || kind === 'degraded_recovered') return channel.notifyOnDegraded;
  return true;
}

/** The channels (enabled, applying to the site) that get an outbox row for `t`. */
export function recipients(channels: readonly Pick<NotificationChannel, 'id' | 'notifyOnSeemsDown' | 'notifyOnDegraded'>[], t: Mutation): number[] {
  const kind = t.notification;
  return kind === null ? [] : channels.filter((c) => channelWants(c, kind)).map((c) => c.id);
}

/** When the observed certificate expires (the tls_cert probe's `details.valid_to`), or null when it could not be read. */
function certificateExpiry(details: unknown): number | null {
  const validTo = (details as { valid_to?: unknown } | null)?.valid_to;
  const at = typeof validTo === 'string' ? Date.parse(validTo) : Number.NaN;
  return Number.isFinite(at) ? at : null;
}

function sameStrikes(a: StrikeColumns, b: StrikeColumns): boolean {
  return (
    a.failingStrikes === b.failingStrikes &&
    a.degradedStrikes === b.degradedStrikes &&
    a.passingStrikes === b.passingStrikes &&
    a.resolved === b.resolved &&
    a.lastOk === b.lastOk &&
    a.lastInconclusive === b.lastInconclusive &&
    (a.lastResultAt?.getTime() ?? null) === (b.lastResultAt?.getTime() ?? null)
  );
}

/** One location's evidence for an outage: where, and when its result was taken (epoch ms). */
interface Evidence {
  readonly location: string;
  readonly at: number | null;
}

/**
 * An outage whose evidence a location took while its runner was offline was caused by that: its
 * results are late ones (replayed from its spool), taken while it could reach neither the
 * controller nor, most likely, the endpoint. The spell counts whether or not its event is still
 * open: the runner is heard again before its late results are, and the sweep may close it first.
 */
function causeOf(runnersOffline: CheckContext['runnersOffline'], evidence: readonly Evidence[]): OfflineSpell | null {
  for (const { location, at } of evidence) {
    const spell = at === null ? undefined : runnersOffline.get(location)?.find((s) => s.from <= at && (s.to === null || at < s.to));
    if (spell !== undefined) return spell;
  }
  return null;
}

/**
 * Plans the evaluation of one check's pending results (pure: no database, no clock): strikes per
 * location, the quorum verdict and the event's transition after each result, then the strikes,
 * the check's status and the results' removal from the queue. Every event change builds on the one before it,
 * as written or not: the plan is the same whichever writer applies it.
 */
export function planCheck(ctx: CheckContext): CheckPlan {
  const { check } = ctx;
  const evaluated: ResultsEvaluated = {
    kind: 'results_evaluated',
    check: check.uuid,
    checkId: check.id,
    resultIds: ctx.results.map((r) => r.id),
  };
  // Disabled and deleted checks are closed by their own step; their late results are only taken off the queue.
  if (!check.enabled || check.deletedAt !== null || ctx.states.length === 0 || ctx.results.length === 0) {
    return { events: [], strikes: [], status: null, evaluated, site: null };
  }

  const policy = createQuorumPolicy({
    locations: ctx.states.map((s) => s.location),
    failingThreshold: check.failingThreshold,
    passingThreshold: check.passingThreshold,
    failingLocationsThreshold: check.failingLocationsThreshold,
    staleAfterMs: freshForMs(check),
  });
  const columns = new Map<string, StrikeColumns>(ctx.states.map((s) => [s.location, s]));
  const states = new Map<string, LocationState>(ctx.states.map((s) => [s.location, toLocationState(s.location, s)]));
  const notifySeemsDown = ctx.channels.some((c) => c.notifyOnSeemsDown);
  const certificate = check.type === 'tls_cert';
  const events: (EventChange | Note)[] = [];
  let ref: EventRef | null = ctx.openEvent === null ? null : { id: ctx.openEvent.id, uuid: ctx.openEvent.uuid };
  let event = ctx.openEvent === null ? null : toEventState(ctx.openEvent);
  const spell: Spell = { state: ctx.openUnknown === null ? null : toEventState(ctx.openUnknown), ref: ctx.openUnknown === null ? null : { id: ctx.openUnknown.id, uuid: ctx.openUnknown.uuid } };
  let lastChange: { at: number; states: readonly LocationState[]; source: string } | null = null;
  let status: SiteStatus = check.status;
  let statusChangedAt = check.lastStatusChangeAt;

  for (const result of ctx.results) {
    const previous = columns.get(result.location);
    const state = states.get(result.location);
    if (previous === undefined || state === undefined) {
      events.push(note('warn', 'result from a location the check has no state for: not counted', { check: check.uuid, location: result.location }));
      continue;
    }
    const at = result.checkedAt.getTime();
    const outcome = outcomeOf(result);
    const next = recordResult(policy, state, outcome, at);
    states.set(result.location, next);
    columns.set(result.location, toStrikeColumns(next, previous, outcome, at));

    const all = [...states.values()];
    const verdict = observeOutage(policy, all, at, outcome === 'failed', outcome === 'degraded');
    const inMaintenance = inMaintenanceAt(ctx.windows, result.checkedAt);
    const lifecycle = { now: at, inMaintenance, notifySeemsDown };
    const transitions = certificate ? [decideCertificate(event, certificateExpiry(result.details), lifecycle)] : decideOutageSteps(event, verdict, lifecycle);
    const fields = { check: check.uuid, location: result.location };
    for (const transition of transitions) {
      // Invariant 9: every opening says whether it inserted or why it did not. "Already open" comes
      // with every failing result for as long as an outage lasts, so it is a debug line.
      if (transition.kind === 'suppress') {
        events.push(
          transition.why === 'in_maintenance'
            ? { ...note('info', 'event not opened: in maintenance', fields), suppressed: 'in_maintenance', event: null }
            : { ...note('debug', 'event not opened: one is already open', fields), suppressed: 'already_open', event: ref },
        );
      } else if (isMutation(transition)) {
        const failingLocations = all.filter((s) => s.failing).map((s) => s.location);
        const degradedLocations = all.filter((s) => isDegraded(policy, s)).map((s) => s.location);
        // Suspect locations too: an outage may open once enough locations report, on a pass from
        // another location after the offline runner's replayed failure.
        const failing = all.filter((s) => s.failing || s.failingStrikes > 0);
        const key = transition.kind === 'open' ? `${check.uuid}:${events.length}` : null;
        const cause = transition.kind === 'open' ? causeOf(ctx.runnersOffline, [{ location: result.location, at }, ...failing.map((s) => ({ location: s.location, at: s.lastResultAt }))]) : null;
        events.push({
          kind: 'event',
          mutation: transition,
          site: { id: ctx.siteId },
          checkId: check.id,
          endpointId: check.endpointId,
          checkType: check.type,
          location: null,
          causeEventId: cause?.id ?? null,
          on: transition.kind === 'open' ? null : ref,
          key,
          audit: {
            source: `location:${result.location}`,
            metadata: {
              location: result.location,
              status_code: result.statusCode,
              error_code: result.errorCode,
              error: result.error,
              failing_locations: failingLocations,
              ...(degradedLocations.length === 0 ? {} : { degraded_locations: degradedLocations, latency_ms: result.latencyMs }),
              ...(cause === null ? {} : { cause_event: cause.uuid }),
            },
          },
          notify: recipients(ctx.channels, transition),
          log: {
            fields,
            skipped: `read-only: ${transition.kind} skipped`,
            ...(transition.kind === 'open'
              ? { written: { level: 'info', message: 'event opened', fields: { inserted: true, event_type: transition.stateAfter, severity: transition.severityAfter } } }
              : {}),
          },
        });
        ref = key !== null ? { opened: key } : transition.kind === 'close' ? null : ref;
      }
      event = foldTransition(event, transition);
    }

    const nextStatus = checkStatusOf(event, inMaintenance, verdict, certificate);
    if (nextStatus !== status) {
      status = nextStatus;
      statusChangedAt = result.checkedAt;
      lastChange = { at, states: all, source: `location:${result.location}` };
    }
  }

  // The spell follows the status as written, after the batch: a round of results evaluated one
  // at a time passes through unknown (one location fresh, the others not yet) for a second or two.
  if (lastChange !== null) {
    const change = planUnknownSpell(spell, {
      check,
      siteId: ctx.siteId,
      policy,
      states: lastChange.states,
      runnersOffline: openRunnersOffline(ctx.runnersOffline),
      statusBefore: check.status,
      statusAfter: status,
      at: lastChange.at,
      source: lastChange.source,
      key: `${check.uuid}:unknown`,
    });
    if (change !== null) events.push(change);
  }

  const strikes = ctx.states.flatMap((before): StrikesUpdate[] => {
    const after = columns.get(before.location);
    if (after === undefined || sameStrikes(before, after)) return [];
    const freshUntil = freshUntilMs({ lastResultAt: after.lastResultAt?.getTime() ?? null, inconclusive: after.lastInconclusive }, check);
    const runIds = ctx.results.flatMap((r) => (r.location === before.location ? [r.runId] : []));
    return [
      { kind: 'strikes', check: check.uuid, checkId: before.checkId, location: before.location, columns: after, freshUntil: freshUntil === null ? null : new Date(freshUntil), runIds },
    ];
  });
  const newest = ctx.results[ctx.results.length - 1].checkedAt;
  const lastCheckedAt = check.lastCheckedAt !== null && check.lastCheckedAt > newest ? check.lastCheckedAt : newest;
  return {
    events,
    strikes,
    status: { kind: 'check_status', check: check.uuid, checkId: check.id, status, lastStatusChangeAt: statusChangedAt, lastCheckedAt },
    evaluated,
    site: {
      siteId: ctx.siteId,
      checkId: check.id,
      check: check.uuid,
      checkStatus: status,
      at: lastCheckedAt,
      checked: true,
      statusChanged: status !== check.status,
    },
  };
}

function note(level: Note['level'], message: string, fields: Record<string, unknown>): Note {
  return { kind: 'note', level, message, fields };
}

/**
 * The projections of a batch of checks, applied once their event changes are written (the sites
 * are read and locked in between, see evaluate-check.ts): the strikes, check statuses, site
 * statuses and queue removals of them all, which the database writer makes one statement each.
 */
export function projectionSteps(checks: readonly CheckPlan[], sites: readonly (SiteStatusUpdate | SiteCheckedUpdate)[]): Step[] {
  return [
    ...checks.flatMap((c) => c.strikes),
    ...checks.flatMap((c) => (c.status === null ? [] : [c.status])),
    ...sites,
    ...checks.map((c) => c.evaluated),
  ];
}
