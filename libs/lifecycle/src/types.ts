import { LifecycleError } from './errors';

/*
 * Three vocabularies, three types. They are string-literal unions with no value in common,
 * so one can never be passed where another is expected (the Jetmon review's point about
 * `EventTypeSeemsDown` and `EventSeverityLow` both being `1`): `'low'` is not an EventType,
 * `'down'` is not an EventSeverity, `'recovered'` is neither. Strings read from the database
 * become these types only through the parse functions below.
 */

/** The event's state, stored in `site_events.event_type`. */
export const EVENT_TYPES = ['seems_down', 'down', 'cert_expiring', 'runner_offline', 'unknown', 'degraded', 'slo_burn'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * How bad the event is, stored in its own column.
 *
 * Severity is intentionally separate from EventType. For outages it tracks the state 1:1
 * today (`seems_down` is `low`, `down` is `high`), but the model is for severity to evolve
 * within a state: a `cert_expiring` event stays `cert_expiring` while its severity rises from
 * `warning` (expires within 30 days) to `elevated` (within 7). Folding severity into the type
 * would need a new state per level and would lose the "same event, now worse" history.
 * Ordered from least to most severe.
 */
export const EVENT_SEVERITIES = ['low', 'warning', 'elevated', 'high'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/** Why an event closed, stored in `site_events.resolution_reason`. */
export const RESOLUTION_REASONS = ['recovered', 'false_alarm', 'maintenance', 'check_disabled', 'check_deleted', 'manual'] as const;
export type ResolutionReason = (typeof RESOLUTION_REASONS)[number];

/**
 * Events of one kind exclude each other: at most one is open per check and kind (DESIGN
 * invariant 5). `seems_down` and `down` are two states of one `outage` kind.
 */
export type EventKind = 'outage' | 'certificate' | 'runner' | 'unknown' | 'slo';

const KIND_OF: Readonly<Record<EventType, EventKind>> = {
  degraded: 'outage',
  seems_down: 'outage',
  down: 'outage',
  cert_expiring: 'certificate',
  runner_offline: 'runner',
  unknown: 'unknown',
  slo_burn: 'slo',
};

/** The kind an event type belongs to. */
export function eventKindOf(type: EventType): EventKind {
  return KIND_OF[type];
}

/** `a` compared with `b`: negative when less severe, 0 when equal, positive when more severe. */
export function compareSeverity(a: EventSeverity, b: EventSeverity): number {
  return EVENT_SEVERITIES.indexOf(a) - EVENT_SEVERITIES.indexOf(b);
}

function parser<T extends string>(values: readonly T[], what: string): (value: string) => T {
  const known = new Set<string>(values);
  return (value: string): T => {
    if (known.has(value)) return value as T;
    throw new LifecycleError('unknown_value', `"${value}" is not ${what} (one of ${values.join(', ')})`);
  };
}

/** Reads an event type from storage; throws {@link LifecycleError} `unknown_value` otherwise. */
export const parseEventType = parser(EVENT_TYPES, 'an event type');
/** Reads a severity from storage; throws {@link LifecycleError} `unknown_value` otherwise. */
export const parseEventSeverity = parser(EVENT_SEVERITIES, 'an event severity');
/** Reads a resolution reason from storage; throws {@link LifecycleError} `unknown_value` otherwise. */
export const parseResolutionReason = parser(RESOLUTION_REASONS, 'a resolution reason');

/**
 * One event as the lifecycle sees it (identity and links live in the caller's row).
 * Times are epoch milliseconds.
 */
export interface EventState {
  readonly type: EventType;
  readonly severity: EventSeverity;
  readonly startedAt: number;
  /** null while the event is open. */
  readonly endedAt: number | null;
  /** null while the event is open; set exactly when `endedAt` is. */
  readonly resolutionReason: ResolutionReason | null;
}
