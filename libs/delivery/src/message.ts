import type { NotificationKindName } from '@vigil/contracts';
import type { Check, EventTransition, Notification, SiteEvent, Site } from '@vigil/db';
import type { AlertMessage, AlertSlo } from './types';

/** The rows a notification is about, as the worker loads them. */
export interface MessageSource {
  readonly notification: Pick<Notification, 'kind' | 'idempotencyKey'>;
  readonly event: Pick<SiteEvent, 'id' | 'uuid' | 'location' | 'eventType' | 'severity' | 'startedAt' | 'endedAt' | 'resolutionReason' | 'metadata'>;
  readonly transition: Pick<EventTransition, 'reason' | 'source' | 'metadata' | 'at'> | null;
  readonly check: (Pick<Check, 'uuid' | 'name' | 'type'> & { readonly target: string }) | null;
  readonly site: Pick<Site, 'uuid' | 'name'>;
}

const HEADLINES: Record<NotificationKindName, string> = {
  outage_suspected: 'Seems down',
  outage_confirmed: 'DOWN',
  outage_recovered: 'Recovered',
  outage_resolved: 'Resolved',
  cert_expiring_soon: 'Certificate expiring',
  cert_renewed: 'Certificate renewed',
  reminder: 'Still down',
  runner_offline: 'Runner offline',
  runner_recovered: 'Runner back',
  degraded_opened: 'Degraded',
  degraded_recovered: 'Performance restored',
  slo_burn: 'Error budget burning',
  slo_burn_ended: 'Error budget burn ended',
};

const CLOSING_KINDS: ReadonlySet<NotificationKindName> = new Set(['outage_recovered', 'outage_resolved', 'cert_renewed', 'runner_recovered', 'degraded_recovered', 'slo_burn_ended']);

const DEGRADED_KINDS: ReadonlySet<NotificationKindName> = new Set(['degraded_opened', 'degraded_recovered']);

/** Whether a notification is about a degraded spell (slow but working), not an outage. */
export function isDegradedKind(kind: NotificationKindName): boolean {
  return DEGRADED_KINDS.has(kind);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** "2h 5m", "3m 20s", "45s": how long an event lasted, to the second. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [d, h, m, s] = [Math.floor(total / 86_400), Math.floor(total / 3600) % 24, Math.floor(total / 60) % 60, total % 60];
  const parts = d > 0 ? [`${d}d`, `${h}h`] : h > 0 ? [`${h}h`, `${m}m`] : m > 0 ? [`${m}m`, `${s}s`] : [`${s}s`];
  return parts.join(' ');
}

/** Why it failed, from the event's metadata: "HTTP 503", "ECONNREFUSED: connection refused". */
function failureOf(metadata: Record<string, unknown>): string | null {
  const status = typeof metadata['status_code'] === 'number' ? `HTTP ${metadata['status_code']}` : null;
  const code = stringOf(metadata['error_code']);
  const error = stringOf(metadata['error']);
  const parts = [status, code && error ? `${code}: ${error}` : (code ?? error)].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}

const numberOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** One rule a result crossed (a result's or event's `degraded` entry): "latency 1234 ms over 800 ms". */
function degradedRuleOf(reason: Record<string, unknown>): string | null {
  const limit = numberOf(reason['limit_ms']);
  const latency = numberOf(reason['latency_ms']);
  const rtt = numberOf(reason['rtt_avg_ms']);
  if (reason['rule'] === 'latency' && latency !== null && limit !== null) return `latency ${latency} ms over ${limit} ms`;
  if (reason['rule'] === 'rtt' && rtt !== null && limit !== null) return `average rtt ${rtt} ms over ${limit} ms`;
  if (reason['rule'] === 'assertion') return stringOf(reason['message']);
  return null;
}

/** Why it is slow, from the event's metadata: its `degraded` rules, else its latency. */
function slownessOf(metadata: Record<string, unknown>): string | null {
  const rules = (Array.isArray(metadata['degraded']) ? metadata['degraded'] : [])
    .map((reason) => degradedRuleOf(asRecord(reason)))
    .filter((rule): rule is string => rule !== null);
  if (rules.length > 0) return rules.join('; ');
  const latency = numberOf(metadata['latency_ms']);
  return latency === null ? null : `latency ${latency} ms`;
}

const SLO_KINDS: ReadonlySet<NotificationKindName> = new Set(['slo_burn', 'slo_burn_ended']);

/** Whether a notification is about a site's error budget (issue 16), not about a check. */
export function isSloKind(kind: NotificationKindName): boolean {
  return SLO_KINDS.has(kind);
}

/** The budget facts of an SLO notification: its transition's (the figures when it happened), else its event's. */
function sloOf(transitionMetadata: Record<string, unknown>, eventMetadata: Record<string, unknown>): AlertSlo {
  const pick = (key: string) => numberOf(transitionMetadata[key]) ?? numberOf(eventMetadata[key]);
  return {
    targetPct: pick('target_pct'),
    windowDays: pick('window_days'),
    rule: stringOf(transitionMetadata['rule']) ?? (transitionMetadata['rule'] === null ? null : stringOf(eventMetadata['rule'])),
    threshold: pick('threshold'),
    burnRateLong: pick('burn_rate_long'),
    burnRateShort: pick('burn_rate_short'),
    longWindowS: pick('long_window_s'),
    shortWindowS: pick('short_window_s'),
    availability: pick('availability'),
    budgetRemainingFraction: pick('budget_remaining_fraction'),
    budgetRemainingMinutes: pick('budget_remaining_minutes'),
  };
}

/** "1h", "5m", "84m", "70s": a window's length as people say it. */
function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** The lines an SLO notification adds: the burn, the windows, and what is left of the budget. */
function sloLines(slo: AlertSlo, closing: boolean): string[] {
  const lines: string[] = [];
  if (slo.targetPct !== null && slo.windowDays !== null) lines.push(`Objective: ${slo.targetPct}% over ${slo.windowDays} days`);
  if (!closing && slo.burnRateLong !== null && slo.longWindowS !== null && slo.shortWindowS !== null) {
    lines.push(
      `Burn rate: ${slo.burnRateLong}x over ${windowText(slo.longWindowS)}, ${slo.burnRateShort ?? 'n/a'}x over ${windowText(slo.shortWindowS)}` +
        (slo.threshold === null ? '' : ` (alert above ${slo.threshold}x${slo.rule ? `, ${slo.rule} burn` : ''})`),
    );
  }
  if (slo.budgetRemainingFraction !== null) {
    const minutes = slo.budgetRemainingMinutes === null ? '' : ` (${slo.budgetRemainingMinutes} min)`;
    lines.push(`Error budget remaining: ${Math.round(slo.budgetRemainingFraction * 1000) / 10}%${minutes}`);
  }
  if (slo.availability !== null) lines.push(`Availability over the window: ${Math.round(slo.availability * 1e5) / 1e3}%`);
  return lines;
}

export interface MessageOptions {
  /**
   * Vigil's public URL (VIGIL_PUBLIC_URL, `https://vigil.example`): adds a link to the event's
   * dashboard page. Unset, messages carry no link (a relative path means nothing in a mail or a
   * chat); the event id in the text still finds it.
   */
  readonly publicUrl?: string;
}

/** The dashboard's page of an event (the client route `/events/<uuid>`, see libs/dashboard). */
export function eventPageUrl(publicUrl: string, eventUuid: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/events/${encodeURIComponent(eventUuid)}`;
}

/** Builds what every channel says about one notification. Pure: the same rows give the same message. */
export function buildAlertMessage(source: MessageSource, options: MessageOptions = {}): AlertMessage {
  const { notification, event, transition, check, site } = source;
  const kind = notification.kind;
  const eventMetadata = asRecord(event.metadata);
  const transitionMetadata = asRecord(transition?.metadata);
  const failing = stringsOf(eventMetadata['failing_locations']);
  const reporting = stringOf(transitionMetadata['location']) ?? stringOf(eventMetadata['location']);

  // A location-wide event (runner_offline) is about its runner, whatever site carries it.
  const subject = check ? `${site.name} (${check.target})` : event.location ? `location ${event.location}` : site.name;
  const closed = event.endedAt !== null;
  const headline = kind === 'outage_resolved' && event.resolutionReason ? `${HEADLINES[kind]} (${event.resolutionReason})` : HEADLINES[kind];
  const title = `${headline}: ${subject}`;

  // A degraded spell's locations answered, slowly: they are "slow from", and the why is the rule crossed.
  const degraded = isDegradedKind(kind);
  const slowFrom = degraded ? stringsOf(eventMetadata['degraded_locations']) : [];
  const locations = slowFrom.length > 0 ? slowFrom : failing;
  const failure = degraded ? (slownessOf(eventMetadata) ?? failureOf(eventMetadata)) : failureOf(eventMetadata);
  const slo = isSloKind(kind) ? sloOf(transitionMetadata, eventMetadata) : undefined;
  const lines = [
    title,
    check ? `Check: ${check.name ?? check.type} (${check.type}) on ${check.target}` : null,
    `Event: ${event.eventType}, severity ${event.severity}`,
    locations.length > 0 ? `${degraded ? 'Slow from' : 'Failing from'}: ${locations.join(', ')}` : null,
    failure ? `${degraded ? (closed ? 'Was slow' : 'Slow') : closed ? 'Last failure' : 'Failure'}: ${failure}` : null,
    ...(slo === undefined ? [] : sloLines(slo, CLOSING_KINDS.has(kind))),
    `Started: ${event.startedAt.toISOString()}`,
    event.endedAt
      ? `Ended: ${event.endedAt.toISOString()} after ${formatDuration(event.endedAt.getTime() - event.startedAt.getTime())}${event.resolutionReason ? ` (${event.resolutionReason})` : ''}`
      : null,
    `Event id: ${event.uuid}`,
  ].filter((line): line is string => line !== null);

  return {
    kind,
    idempotencyKey: notification.idempotencyKey,
    title,
    text: lines.join('\n'),
    action: CLOSING_KINDS.has(kind) ? 'resolve' : 'trigger',
    event: {
      id: event.id.toString(),
      uuid: event.uuid,
      type: event.eventType,
      severity: event.severity,
      startedAt: event.startedAt.toISOString(),
      endedAt: event.endedAt?.toISOString() ?? null,
      resolutionReason: event.resolutionReason,
      metadata: eventMetadata,
    },
    check: check ? { uuid: check.uuid, name: check.name, type: check.type, target: check.target } : null,
    site: { uuid: site.uuid, name: site.name },
    locations: { failing: locations, reporting },
    links: options.publicUrl ? [{ label: 'Event', url: eventPageUrl(options.publicUrl, event.uuid) }] : [],
    ...(slo === undefined ? {} : { slo }),
  };
}
