import { mergeSpans } from './spans';
import { checkIntervals, computeUptime, type IntervalKind, type UptimeFigures, type UptimeInterval, UptimeInputError } from './uptime';

export const DAY_MS = 86_400_000;

/**
 * A day's colour on a status page, worst first: any confirmed downtime, else any
 * maintenance, else up when some of it was monitored, else no data (before monitoring
 * began, or unknown all day).
 */
export type DayState = 'down' | 'maintenance' | 'up' | 'no_data';

export interface DayFigures extends UptimeFigures {
  /** The UTC midnight the day starts at. */
  readonly day: number;
  readonly state: DayState;
}

export interface DailyOptions {
  /** How many days, the last one being the day of `to`. */
  readonly days: number;
  /** Now: the last day is counted up to here, not to its midnight. */
  readonly to: number;
  readonly monitoredSince: number | null;
}

export function dayState(figures: UptimeFigures): DayState {
  if (figures.downMs > 0) return 'down';
  if (figures.maintenanceMs > 0) return 'maintenance';
  return figures.monitoredMs > 0 ? 'up' : 'no_data';
}

/** One entry per UTC day, oldest first, ending with the (partial) day of `to`. */
export function dailyUptime(intervals: readonly UptimeInterval[], options: DailyOptions): DayFigures[] {
  if (!Number.isInteger(options.days) || options.days < 1) throw new UptimeInputError(`days must be a positive integer, got ${options.days}`);
  if (!Number.isFinite(options.to)) throw new UptimeInputError(`to must be a finite time in epoch milliseconds, got ${options.to}`);
  checkIntervals(intervals);
  const today = Math.floor(options.to / DAY_MS) * DAY_MS;
  // Merged once for all days: each day then only sees the few disjoint spans of each kind.
  const kinds: IntervalKind[] = ['down', 'maintenance', 'unknown'];
  const merged = kinds.flatMap((kind) =>
    mergeSpans(intervals.filter((i) => i.kind === kind).map((i) => ({ start: i.start, end: i.end ?? options.to }))).map((s) => ({ kind, ...s })),
  );
  return Array.from({ length: options.days }, (_, i) => {
    const day = today - (options.days - 1 - i) * DAY_MS;
    const figures = computeUptime(merged, { from: day, to: Math.min(day + DAY_MS, options.to) }, options.monitoredSince);
    return { ...figures, day, state: dayState(figures) };
  });
}
