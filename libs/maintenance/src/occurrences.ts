import { RecurrenceError } from './errors';
import { expandSeries, type Recurrence, recurrenceOf, type WindowLike } from './recurrence';

/** One stretch of maintenance: `start <= t < end`, epoch milliseconds. */
export interface Occurrence {
  readonly start: number;
  readonly end: number;
}

// Expanding a series costs up to a second; rows are read afresh by every evaluation, so the
// series is kept by what determines it, not by row. Bounded: the oldest goes first.
const SERIES_KEPT = 1000;
const series = new Map<string, readonly number[]>();

/**
 * A stored rule was valid when written; should it no longer expand (a library change), it
 * covers nothing: alerts that should have been held are louder than outages never reported.
 */
function expandOrNothing(startsAt: Date, recurrence: Recurrence): readonly number[] {
  try {
    return expandSeries(startsAt, recurrence);
  } catch (error) {
    if (error instanceof RecurrenceError) return [];
    throw error;
  }
}

function startsOf(window: WindowLike): readonly number[] | null {
  const recurrence = recurrenceOf(window);
  if (recurrence === null) return null;
  const key = `${window.startsAt.getTime()}|${recurrence.timezone}|${recurrence.rrule}`;
  let starts = series.get(key);
  if (starts === undefined) {
    starts = expandOrNothing(window.startsAt, recurrence);
    if (series.size >= SERIES_KEPT) series.delete(series.keys().next().value as string);
    series.set(key, starts);
  }
  return starts;
}

/** The index of the first start greater than `t`. */
function firstAfter(starts: readonly number[], t: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (starts[mid] > t) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The window's occurrences overlapping `[from, to)`, in start order: the single place recurring
 * windows are expanded. A one-off window is its one occurrence. A local start that does not
 * exist (a DST gap) is skipped, as RFC 5545 says; an ambiguous one (the hour repeated when
 * clocks go back) is its first instant.
 */
export function occurrences(window: WindowLike, from: number, to: number): Occurrence[] {
  const starts = startsOf(window);
  if (starts === null) {
    const one = { start: window.startsAt.getTime(), end: window.endsAt.getTime() };
    return one.start < to && one.end > from ? [one] : [];
  }
  const durationMs = (window.durationS ?? 0) * 1000;
  const found: Occurrence[] = [];
  // An occurrence overlaps when it starts before `to` and ends after `from`.
  for (let i = firstAfter(starts, from - durationMs); i < starts.length && starts[i] < to; i += 1) {
    found.push({ start: starts[i], end: starts[i] + durationMs });
  }
  return found;
}

/** Up to `limit` occurrences in effect at `after` or starting before `until`. */
export function upcoming(window: WindowLike, after: number, until: number, limit: number): Occurrence[] {
  return occurrences(window, after, until).slice(0, limit);
}

/** Which window, and which of its occurrences, covers `at`; null when none does. */
export function maintenanceAt<W extends WindowLike>(windows: readonly W[], at: number): { window: W; occurrence: Occurrence } | null {
  for (const window of windows) {
    const [occurrence] = occurrences(window, at, at + 1);
    if (occurrence !== undefined) return { window, occurrence };
  }
  return null;
}

/** Whether `at` falls in an occurrence of any of the windows. */
export function inMaintenance(windows: readonly WindowLike[], at: number): boolean {
  return maintenanceAt(windows, at) !== null;
}
