import { LifecycleError } from './errors';
import { RESOLUTION_REASONS, type EventSeverity, type EventState, type EventType, type ResolutionReason } from './types';

/**
 * Why an event changed, stored in `event_transitions.reason`. `worsened` and `eased` move an
 * outage between `degraded` and `seems_down` (see outage.ts). A close's reason is its resolution
 * reason. `cause_linked` (setting `cause_event_id`) is written outside this lib and changes
 * neither state nor severity; it is listed so that replay accepts it.
 */
export const TRANSITION_REASONS = ['opened', 'confirmed', 'severity_changed', 'worsened', 'eased', 'cause_linked', ...RESOLUTION_REASONS] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

/** What a transition asks the notifier to tell people (written to the outbox with the change). */
export type NotificationKind =
  | 'outage_suspected'
  | 'outage_confirmed'
  | 'outage_recovered'
  /** A confirmed outage closed for another reason than recovery (manual, check disabled or deleted). */
  | 'outage_resolved'
  | 'cert_expiring_soon'
  | 'cert_renewed'
  /** A runner (a location) stopped reporting, and when it is back. */
  | 'runner_offline'
  | 'runner_recovered'
  /** Enough locations are slow (degraded), and when they are not any more. */
  | 'degraded_opened'
  | 'degraded_recovered'
  /** A site's error budget burns fast (issue 16), and when the burn has slowed. */
  | 'slo_burn'
  | 'slo_burn_ended';

/** Why nothing changes although the verdict called for it. */
export type SuppressReason = 'in_maintenance' | 'already_open';

/** One audit row (`event_transitions`): every mutation of an event writes exactly one. */
export interface TransitionRecord {
  readonly stateBefore: EventType | null;
  readonly stateAfter: EventType;
  readonly severityBefore: EventSeverity | null;
  readonly severityAfter: EventSeverity;
  readonly reason: TransitionReason;
  /** Epoch milliseconds. */
  readonly at: number;
}

interface MutationBase extends TransitionRecord {
  /** The event after the transition: insert it (open) or write it over the open one. */
  readonly event: EventState;
  readonly notification: NotificationKind | null;
}

/** Insert a new event. `event.startedAt === at`. */
export interface OpenTransition extends MutationBase {
  readonly kind: 'open';
  readonly stateBefore: null;
  readonly severityBefore: null;
  readonly reason: 'opened';
}

/**
 * Change the open event in place (state and/or severity); `startedAt` is preserved. Severity never
 * falls; the state falls only when a suspicion that began degraded eases back to it (`eased`).
 */
export interface UpgradeTransition extends MutationBase {
  readonly kind: 'upgrade';
  readonly stateBefore: EventType;
  readonly severityBefore: EventSeverity;
  readonly reason: 'confirmed' | 'severity_changed' | 'worsened' | 'eased';
}

/** Close the open event: `endedAt = at`, `resolutionReason = reason`; state and severity stay. */
export interface CloseTransition extends MutationBase {
  readonly kind: 'close';
  readonly stateBefore: EventType;
  readonly severityBefore: EventSeverity;
  readonly reason: ResolutionReason;
}

export type Mutation = OpenTransition | UpgradeTransition | CloseTransition;

/** Nothing changes, and the caller should log why (invariant 9). */
export interface SuppressTransition {
  readonly kind: 'suppress';
  readonly why: SuppressReason;
  readonly notification: null;
}

/** Nothing to do. */
export interface NoTransition {
  readonly kind: 'none';
  readonly notification: null;
}

export type Transition = Mutation | SuppressTransition | NoTransition;

/** What a decision needs to know besides the event and the observation. */
export interface LifecycleContext {
  /** The time of the observation (the result's `checked_at`), epoch milliseconds. */
  readonly now: number;
  /** The check is in a maintenance window: nothing opens, nothing notifies (invariant 7). */
  readonly inMaintenance: boolean;
  /** Also notify when an outage is first suspected, not only when it is confirmed. */
  readonly notifySeemsDown?: boolean;
}

export const NO_TRANSITION: NoTransition = Object.freeze({ kind: 'none', notification: null });
export const SUPPRESSED_IN_MAINTENANCE: SuppressTransition = Object.freeze({
  kind: 'suppress',
  why: 'in_maintenance',
  notification: null,
});
export const SUPPRESSED_ALREADY_OPEN: SuppressTransition = Object.freeze({
  kind: 'suppress',
  why: 'already_open',
  notification: null,
});

export function isMutation(t: Transition): t is Mutation {
  return t.kind === 'open' || t.kind === 'upgrade' || t.kind === 'close';
}

export function openTransition(
  type: EventType,
  severity: EventSeverity,
  at: number,
  notification: NotificationKind | null,
): OpenTransition {
  return {
    kind: 'open',
    stateBefore: null,
    stateAfter: type,
    severityBefore: null,
    severityAfter: severity,
    reason: 'opened',
    at,
    event: { type, severity, startedAt: at, endedAt: null, resolutionReason: null },
    notification,
  };
}

export function upgradeTransition(
  event: EventState,
  type: EventType,
  severity: EventSeverity,
  reason: UpgradeTransition['reason'],
  at: number,
  notification: NotificationKind | null,
): UpgradeTransition {
  return {
    kind: 'upgrade',
    stateBefore: event.type,
    stateAfter: type,
    severityBefore: event.severity,
    severityAfter: severity,
    reason,
    at,
    event: { type, severity, startedAt: event.startedAt, endedAt: null, resolutionReason: null },
    notification,
  };
}

export function closeTransition(
  event: EventState,
  reason: ResolutionReason,
  at: number,
  notification: NotificationKind | null,
): CloseTransition {
  return {
    kind: 'close',
    stateBefore: event.type,
    stateAfter: event.type,
    severityBefore: event.severity,
    severityAfter: event.severity,
    reason,
    at,
    event: { type: event.type, severity: event.severity, startedAt: event.startedAt, endedAt: at, resolutionReason: reason },
    notification,
  };
}

/** Refuses a closed event: closed events are never mutated (invariant 4). */
export function assertOpen(event: EventState): void {
  if (event.endedAt !== null || event.resolutionReason !== null) {
    throw new LifecycleError('event_closed', `the ${event.type} event that started at ${event.startedAt} is closed and cannot change`);
  }
}

/**
 * The open event of this kind after `t`: the new or changed event, null after a close,
 * the same event after `suppress` or `none`. Throws `invalid_history` for a transition
 * that does not fit (an open over an open event, a change without one).
 */
export function foldTransition(current: EventState | null, t: Transition): EventState | null {
  switch (t.kind) {
    case 'open':
      if (current !== null) throw new LifecycleError('invalid_history', 'cannot open an event while one of its kind is open');
      return t.event;
    case 'upgrade':
    case 'close':
      if (current === null || current.type !== t.stateBefore || current.severity !== t.severityBefore) {
        throw new LifecycleError('invalid_history', `cannot apply ${t.kind} (${t.reason}) to an event it was not computed from`);
      }
      return t.kind === 'upgrade' ? t.event : null;
    default:
      return current;
  }
}
