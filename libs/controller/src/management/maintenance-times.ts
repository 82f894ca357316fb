import { type getMaintenanceWindow, NEXT_OCCURRENCES, type ResponseOf } from '@vigil/contracts';
import type { MaintenanceWindow } from '@vigil/db';
import { MAX_SERIES_DAYS, RecurrenceError, recurrenceOf, ruleText, seriesEnd, upcoming } from '@vigil/maintenance';
import { invalidField } from '../http/validation';

/** A window's times as stored: one-off (`rrule` null) or a recurring series ending at `endsAt` (null: open-ended). */
export interface WindowTimes {
  startsAt: Date;
  endsAt: Date | null;
  rrule: string | null;
  timezone: string | null;
  durationS: number | null;
}

/** What a request asks for: a one-off window's end, or a rule, zone and duration. */
export type RequestedTimes =
  | { startsAt: Date; endsAt: Date; rrule: null }
  | { startsAt: Date; rrule: string; timezone: string; durationS: number };

/**
 * The times to store, or a 422 naming the field at fault. A recurring window's `ends_at` is
 * its series' end, computed here: the one place the rule is judged on a write.
 */
export function windowTimes(requested: RequestedTimes): WindowTimes {
  if (requested.rrule === null) return { startsAt: requested.startsAt, endsAt: requested.endsAt, rrule: null, timezone: null, durationS: null };
  // Stored as the library reads it, so what the API shows is what is expanded.
  const rrule = requested.rrule.replace(/^RRULE:/i, '').toUpperCase();
  const recurrence = { rrule, timezone: requested.timezone, durationS: requested.durationS };
  // RRULE has no unit finer than the second: DTSTART is the first occurrence's exact start.
  const startsAt = new Date(requested.startsAt.getTime() - (((requested.startsAt.getTime() % 1000) + 1000) % 1000));
  try {
    return { startsAt, endsAt: seriesEnd(startsAt, recurrence), ...recurrence };
  } catch (error) {
    if (error instanceof RecurrenceError) throw invalidField(error.field, error.message);
    throw error;
  }
}

function textOf(window: MaintenanceWindow): string | null {
  const recurrence = recurrenceOf(window);
  return recurrence === null ? null : ruleText(window.startsAt, recurrence);
}

const occurrenceJson = (o: { start: number; end: number }) => ({ starts_at: new Date(o.start).toISOString(), ends_at: new Date(o.end).toISOString() });

type WindowRow = MaintenanceWindow & { site: { uuid: string }; check: { uuid: string } | null };

export function windowJson(window: WindowRow, nowMs: number): ResponseOf<typeof getMaintenanceWindow> {
  // An open-ended series is looked at no further than a series that ends could go.
  const until = window.endsAt?.getTime() ?? nowMs + MAX_SERIES_DAYS * 86_400_000;
  const ahead = upcoming(window, nowMs, until + 1, NEXT_OCCURRENCES);
  return {
    id: window.uuid,
    site_id: window.site.uuid,
    check_id: window.check?.uuid ?? null,
    starts_at: window.startsAt.toISOString(),
    ends_at: window.endsAt?.toISOString() ?? null,
    reason: window.reason === '' ? null : window.reason,
    rrule: window.rrule,
    rule_text: textOf(window),
    timezone: window.timezone,
    duration_s: window.durationS,
    active: ahead.length > 0 && ahead[0].start <= nowMs,
    next_occurrences: ahead.map(occurrenceJson),
    created_at: window.createdAt.toISOString(),
  };
}

export { occurrenceJson };
