import { occurrences, type WindowLike } from '@vigil/maintenance';
import { availabilityIntervals, type AvailabilitySource, computeUptime, type HistorySpan, mergeSpans, type Span, type UptimeFigures, type UptimeInterval } from '@vigil/uptime';

export const DAY_MS = 86_400_000;

/** A stretch of history in epoch milliseconds; `end: null` is still going on. */
export type Spell = HistorySpan;

/** What a check's or a site's availability is computed from (a check's has no unmeasured spell of the site). */
export type HistoryInput = Omit<AvailabilitySource, 'unmeasuredSince'> & { readonly unmeasuredSince?: number | null };

/** The uptime intervals of some history up to `now`: the one rule the status page, the reports and the SLOs share. */
const intervalsOf = (history: HistoryInput, now: number): UptimeInterval[] => availabilityIntervals({ ...history, unmeasuredSince: history.unmeasuredSince ?? null }, now);

/** The occurrences of maintenance windows (one-off or recurring, @vigil/maintenance) overlapping [from, to). */
export function maintenanceSpells(windows: readonly WindowLike[], from: number, to: number): Span[] {
  return windows.flatMap((w) => occurrences(w, from, to));
}

export interface IncidentFigures {
  /** Incidents overlapping the window: confirmed outages merged, so that two checks down at once are one incident. */
  readonly count: number;
  readonly started: number;
  readonly ended: number;
  readonly ongoing: number;
  /** Mean time to recovery: the mean whole length (before the window too) of the incidents that ended in (from, to]; null when none did. */
  readonly mttrMs: number | null;
  /**
   * Mean time between failures: the up time of the window (counted time less downtime) divided by
   * the incidents that started in [from, to); null when none started (no failure to space out).
   */
  readonly mtbfMs: number | null;
}

/**
 * Incidents of a window from its outages. An incident is a maximal stretch of confirmed downtime
 * (outages that overlap or touch are one); one still going on at `to` is ongoing.
 */
export function incidentFigures(outages: readonly Spell[], window: { from: number; to: number }, upMs: number): IncidentFigures {
  const merged = mergeSpans(outages.map((o) => ({ start: o.start, end: o.end === null || o.end > window.to ? Number.POSITIVE_INFINITY : o.end })));
  const overlapping = merged.filter((s) => s.start < window.to && s.end > window.from);
  const started = overlapping.filter((s) => s.start >= window.from).length;
  const ended = overlapping.filter((s) => s.end <= window.to);
  return {
    count: overlapping.length,
    started,
    ended: ended.length,
    ongoing: overlapping.length - ended.length,
    mttrMs: ended.length === 0 ? null : ended.reduce((sum, s) => sum + (s.end - s.start), 0) / ended.length,
    mtbfMs: started === 0 ? null : upMs / started,
  };
}

export interface AvailabilityFigures {
  readonly uptime: UptimeFigures;
  readonly windowMs: number;
  /** Maintenance and unknown time: left out of uptime. */
  readonly excludedMs: number;
  /** The window before monitoring began. windowMs = monitoredMs + excludedMs + unmonitoredMs. */
  readonly unmonitoredMs: number;
  readonly incidents: IncidentFigures;
}

export interface ReportWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * Availability over [from, to): uptime excluding unknown and maintenance time (computeUptime),
 * how much was excluded, and the incidents with their MTTR and MTBF. Spells still going on run
 * to `to`, so `to` should not be later than now.
 */
export function availability(history: HistoryInput, window: ReportWindow, monitoredSince: number | null): AvailabilityFigures {
  const uptime = computeUptime(intervalsOf(history, window.to), window, monitoredSince);
  const windowMs = window.to - window.from;
  const excludedMs = uptime.maintenanceMs + uptime.unknownMs;
  return {
    uptime,
    windowMs,
    excludedMs,
    unmonitoredMs: windowMs - uptime.monitoredMs - excludedMs,
    incidents: incidentFigures(history.outages, window, uptime.monitoredMs - uptime.downMs),
  };
}

export interface DayFigures extends UptimeFigures {
  /** The UTC midnight the day starts at (the first and last days are cut to the window). */
  readonly day: number;
}

/** Uptime per UTC day of [from, to), oldest first; the first and last days cut to the window. */
export function availabilityByDay(history: HistoryInput, window: ReportWindow, monitoredSince: number | null): DayFigures[] {
  const intervals = intervalsOf(history, window.to);
  const days: DayFigures[] = [];
  for (let day = Math.floor(window.from / DAY_MS) * DAY_MS; day < window.to; day += DAY_MS) {
    const figures = computeUptime(intervals, { from: Math.max(day, window.from), to: Math.min(day + DAY_MS, window.to) }, monitoredSince);
    days.push({ ...figures, day });
  }
  return days;
}
