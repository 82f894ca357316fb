import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { RecurrenceError } from './errors';

/** The longest occurrence: longer maintenance is a paused check, not a window (as for one-off windows). */
export const MAX_OCCURRENCE_S = 31 * 24 * 3600;
/** A series that ends (COUNT or UNTIL) has at most this many occurrences... */
export const MAX_OCCURRENCES = 2000;
/** ...and its last occurrence starts within this many days of DTSTART (else omit COUNT and UNTIL: an open-ended series). */
export const MAX_SERIES_DAYS = 5 * 366;

const DAY_MS = 86_400_000;
// Finer rules would be thousands of occurrences a week: maintenance that often is a paused check.
const FREQUENCIES = new Set(['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const PARTS = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS', 'WKST']);

/** What a recurring window stores beside its DTSTART (`starts_at`). */
export interface Recurrence {
  /** The RRULE value (RFC 5545 §3.3.10) without `RRULE:`, e.g. `FREQ=WEEKLY;BYDAY=SU;COUNT=10`. */
  readonly rrule: string;
  /** IANA zone in which the rule's local times are read (DTSTART;TZID=…). */
  readonly timezone: string;
  readonly durationS: number;
}

/** A window as stored: one-off when `rrule` is null (then `timezone` and `durationS` are null too). */
export interface WindowLike {
  readonly startsAt: Date;
  /** One-off: the end. Recurring: the end of the last occurrence; null for an open-ended series (no COUNT or UNTIL). */
  readonly endsAt: Date | null;
  readonly rrule: string | null;
  readonly timezone: string | null;
  readonly durationS: number | null;
}

/** Whether `timezone` names an IANA zone this runtime knows. */
export function isTimeZone(timezone: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timezone);
    return timezone.length > 0;
  } catch {
    return false;
  }
}

/** `20261020T020000`: DTSTART's local form in the zone (whole seconds: RRULE has no finer unit). */
function localStamp(at: Date, timezone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timezone).toPlainDateTime();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(local.year, 4)}${pad(local.month)}${pad(local.day)}T${pad(local.hour)}${pad(local.minute)}${pad(local.second)}`;
}

function checkParts(rrule: string): void {
  if (rrule.length === 0 || rrule.length > 500) throw new RecurrenceError('rrule', 'must be 1 to 500 characters');
  const names = new Set<string>();
  for (const part of rrule.split(';')) {
    const [name, value, ...rest] = part.split('=');
    if (value === undefined || value === '' || rest.length > 0) throw new RecurrenceError('rrule', `"${part}" is not NAME=VALUE`);
    if (!PARTS.has(name)) throw new RecurrenceError('rrule', `${name} is not a rule part this window supports (DTSTART is starts_at)`);
    if (names.has(name)) throw new RecurrenceError('rrule', `${name} is given twice`);
    names.add(name);
    if (name === 'FREQ' && !FREQUENCIES.has(value)) throw new RecurrenceError('rrule', `FREQ must be one of ${[...FREQUENCIES].join(', ')}`);
    if (name === 'COUNT' && !/^[1-9]\d*$/.test(value)) throw new RecurrenceError('rrule', 'COUNT must be a positive integer');
  }
  if (!names.has('FREQ')) throw new RecurrenceError('rrule', 'needs FREQ');
  if (names.has('COUNT') && names.has('UNTIL')) throw new RecurrenceError('rrule', 'COUNT and UNTIL cannot both be given (RFC 5545)');
}

/** Whether a rule goes on forever (neither COUNT nor UNTIL): its window stores no `ends_at`. */
export function isOpenEnded(rrule: string): boolean {
  return !/(^|;)(RRULE:)?(COUNT|UNTIL)=/i.test(rrule);
}

/**
 * The rule as the library reads it. Throws `RecurrenceError` for a rule, zone or duration that
 * is not acceptable; does not bound the series (see `seriesEnd`).
 */
export function parseRule(startsAt: Date, recurrence: Recurrence): RRuleTemporal {
  const rrule = recurrence.rrule.replace(/^RRULE:/i, '').toUpperCase();
  if (!isTimeZone(recurrence.timezone)) throw new RecurrenceError('timezone', `${recurrence.timezone} is not an IANA time zone`);
  if (!Number.isInteger(recurrence.durationS) || recurrence.durationS <= 0 || recurrence.durationS > MAX_OCCURRENCE_S) {
    throw new RecurrenceError('duration_s', `must be a whole number of seconds from 1 to ${MAX_OCCURRENCE_S}`);
  }
  checkParts(rrule);
  try {
    return new RRuleTemporal({
      rruleString: `DTSTART;TZID=${recurrence.timezone}:${localStamp(startsAt, recurrence.timezone)}\nRRULE:${rrule}`,
      temporal: Temporal,
      strict: true,
    });
  } catch (error) {
    throw new RecurrenceError('rrule', error instanceof Error ? error.message : String(error));
  }
}

/**
 * The start (epoch ms) of the series' occurrences, in order, while `more` says so. Throws
 * `RecurrenceError` when the library gives up on a rule whose periods match nothing for too
 * long (30 February; a local time every year in a DST gap).
 */
function walk(rule: RRuleTemporal, more: (starts: readonly number[], start: number) => boolean): number[] {
  const starts: number[] = [];
  try {
    rule.all((occurrence) => {
      const start = occurrence.epochMilliseconds;
      const keep = more(starts, start);
      if (keep) starts.push(start);
      return keep;
    });
  } catch (error) {
    throw new RecurrenceError('rrule', `yields too few occurrences to expand (${error instanceof Error ? error.message : String(error)})`);
  }
  if (starts.length === 0) throw new RecurrenceError('rrule', 'yields no occurrence');
  return starts;
}

/**
 * The start (epoch ms) of every occurrence of a series that ends (COUNT or UNTIL), in order.
 * Throws `RecurrenceError` when the rule is invalid, open-ended, yields no occurrence, or is not
 * bounded (more than `MAX_OCCURRENCES`, or a start beyond `MAX_SERIES_DAYS`). The library walks
 * a COUNT rule from DTSTART on every query, so the bounded series is expanded once and kept
 * (`occurrences` caches it).
 */
export function expandSeries(startsAt: Date, recurrence: Recurrence): number[] {
  if (isOpenEnded(recurrence.rrule)) throw new RecurrenceError('rrule', 'is open-ended: it has no series to expand whole');
  const rule = parseRule(startsAt, recurrence);
  const limit = startsAt.getTime() + MAX_SERIES_DAYS * DAY_MS;
  let bounded = true;
  const starts = walk(rule, (kept, start) => (bounded = kept.length < MAX_OCCURRENCES && start <= limit));
  if (!bounded) {
    throw new RecurrenceError('rrule', `a series with COUNT or UNTIL has at most ${MAX_OCCURRENCES} occurrences within ${MAX_SERIES_DAYS} days of starts_at (omit both for a series that goes on)`);
  }
  return starts;
}

/**
 * The window's `ends_at`: the end of a series' last occurrence, or null for an open-ended series
 * (checked to yield an occurrence within `MAX_SERIES_DAYS`, the first found by walking from
 * DTSTART). Errors as `expandSeries`.
 */
export function seriesEnd(startsAt: Date, recurrence: Recurrence): Date | null {
  if (isOpenEnded(recurrence.rrule)) {
    const rule = parseRule(startsAt, recurrence);
    const limit = startsAt.getTime() + MAX_SERIES_DAYS * DAY_MS;
    walk(rule, (kept, start) => kept.length === 0 && start <= limit);
    return null;
  }
  const starts = expandSeries(startsAt, recurrence);
  return new Date(starts[starts.length - 1] + recurrence.durationS * 1000);
}

/** The recurrence a stored window has, or null for a one-off window. */
export function recurrenceOf(window: Pick<WindowLike, 'rrule' | 'timezone' | 'durationS'>): Recurrence | null {
  // Falsy, not just null: rows built before the columns existed (fixtures, old snapshots) are one-off.
  if (!window.rrule || !window.timezone || !window.durationS) return null;
  return { rrule: window.rrule, timezone: window.timezone, durationS: window.durationS };
}
