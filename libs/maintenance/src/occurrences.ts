import type { RRuleTemporal } from 'rrule-temporal';
import { RecurrenceError } from './errors';
import { expandSeries, isOpenEnded, parseRule, type Recurrence, recurrenceOf, type WindowLike } from './recurrence';

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

function keep<V>(map: Map<string, V>, key: string, value: V, size: number): V {
  if (map.size >= size) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

const seriesKey = (startsAt: Date, recurrence: Recurrence) => `${startsAt.getTime()}|${recurrence.timezone}|${recurrence.rrule}`;

function startsOf(startsAt: Date, recurrence: Recurrence): readonly number[] {
  const key = seriesKey(startsAt, recurrence);
  return series.get(key) ?? keep(series, key, expandOrNothing(startsAt, recurrence), SERIES_KEPT);
}

// An open-ended series cannot be expanded whole: it is expanded a week (UTC, from the epoch) at a
// time, around the times asked, and each week kept. The library jumps to the week from an
// aligned DTSTART rather than walking from the first occurrence, so a week costs well under a
// millisecond however old the series is (ADR 0010); evaluations ask about the same weeks over
// and over, so the kept weeks answer most lookups by binary search alone.
const CHUNK_MS = 7 * 86_400_000;
const CHUNKS_KEPT = 20_000;
const chunks = new Map<string, readonly number[]>();
const rules = new Map<string, RRuleTemporal | null>();

function ruleOf(startsAt: Date, recurrence: Recurrence): RRuleTemporal | null {
  const key = seriesKey(startsAt, recurrence);
  if (rules.has(key)) return rules.get(key) ?? null;
  let rule: RRuleTemporal | null;
  try {
    rule = parseRule(startsAt, recurrence);
  } catch (error) {
    if (!(error instanceof RecurrenceError)) throw error;
    rule = null;
  }
  return keep(rules, key, rule, SERIES_KEPT);
}

/** The starts in week `chunk` (`[chunk, chunk + 1) * CHUNK_MS`) of an open-ended series. */
function chunkStarts(startsAt: Date, recurrence: Recurrence, chunk: number): readonly number[] {
  const key = `${seriesKey(startsAt, recurrence)}|${chunk}`;
  const kept = chunks.get(key);
  if (kept !== undefined) return kept;
  const rule = ruleOf(startsAt, recurrence);
  const from = chunk * CHUNK_MS;
  const to = from + CHUNK_MS;
  let starts: number[] = [];
  if (rule !== null && to > startsAt.getTime()) {
    try {
      starts = rule
        .between(new Date(from), new Date(to), true)
        .map((o) => o.epochMilliseconds)
        .filter((start) => start >= from && start < to);
    } catch (error) {
      // As for a series that no longer expands: nothing is held rather than an evaluation failing.
      if (!(error instanceof Error)) throw error;
    }
  }
  return keep(chunks, key, starts, CHUNKS_KEPT);
}

/** The starts of a recurring window from `from` (inclusive), in order, lazily, until `to` (exclusive). */
function* startsBetween(startsAt: Date, recurrence: Recurrence, from: number, to: number): Generator<number> {
  if (!isOpenEnded(recurrence.rrule)) {
    const starts = startsOf(startsAt, recurrence);
    for (let i = firstAtOrAfter(starts, from); i < starts.length && starts[i] < to; i += 1) yield starts[i];
    return;
  }
  for (let chunk = Math.floor(Math.max(from, startsAt.getTime()) / CHUNK_MS); chunk * CHUNK_MS < to; chunk += 1) {
    const starts = chunkStarts(startsAt, recurrence, chunk);
    for (let i = firstAtOrAfter(starts, from); i < starts.length && starts[i] < to; i += 1) yield starts[i];
  }
}

/** The index of the first start at or after `t`. */
function firstAtOrAfter(starts: readonly number[], t: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (starts[mid] >= t) high = mid;
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
  return upcoming(window, from, to, Number.POSITIVE_INFINITY);
}

/**
 * Up to `limit` occurrences in effect at `after` or starting before `until`. An open-ended
 * series is expanded only as far as it takes to find them: callers bound `until`.
 */
export function upcoming(window: WindowLike, after: number, until: number, limit: number): Occurrence[] {
  const recurrence = recurrenceOf(window);
  if (recurrence === null) {
    // A one-off window always has an end (a database constraint); without one it would hold alerts forever.
    if (window.endsAt === null) return [];
    const one = { start: window.startsAt.getTime(), end: window.endsAt.getTime() };
    return one.start < until && one.end > after && limit > 0 ? [one] : [];
  }
  const durationMs = recurrence.durationS * 1000;
  const found: Occurrence[] = [];
  if (found.length >= limit) return found;
  // An occurrence overlaps when it starts before `until` and ends after `after`.
  for (const start of startsBetween(window.startsAt, recurrence, after - durationMs + 1, until)) {
    found.push({ start, end: start + durationMs });
    if (found.length >= limit) break;
  }
  return found;
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
