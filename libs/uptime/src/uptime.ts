import { clipSpans, mergeSpans, type Span, subtractSpans, totalLength } from './spans';

/**
 * What a period of a site's history was, as far as uptime is concerned:
 * - `down`: a confirmed outage (an event that reached `down`), from its start to its end;
 * - `maintenance`: a maintenance window: neither up nor down, left out of the denominator;
 * - `unknown`: the monitor could not tell (or was not monitoring): left out the same way.
 * Anything else inside the monitored part of a window counts as up.
 */
export type IntervalKind = 'down' | 'maintenance' | 'unknown';

/** Times are epoch milliseconds; `end: null` is still going on (it runs to the window's end). */
export interface UptimeInterval {
  readonly kind: IntervalKind;
  readonly start: number;
  readonly end: number | null;
}

/** How a window [from, to) splits; the four parts add up to the window's monitored length. */
export interface UptimeFigures {
  /** 1 − down / monitored; null when nothing of the window was monitored. */
  readonly ratio: number | null;
  /** Where the monitored part of the window starts (max(from, monitoredSince)); null if it is empty. */
  readonly since: number | null;
  /** Confirmed downtime outside maintenance and unknown periods. */
  readonly downMs: number;
  /** The denominator: the monitored part of the window less maintenance and unknown periods. */
  readonly monitoredMs: number;
  readonly maintenanceMs: number;
  /** Unknown periods that are not also maintenance. */
  readonly unknownMs: number;
}

export interface UptimeWindow {
  readonly from: number;
  readonly to: number;
}

export class UptimeInputError extends Error {
  override readonly name = 'UptimeInputError';
}

function checkTime(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new UptimeInputError(`${what} must be a finite time in epoch milliseconds, got ${value}`);
}

/** Refuses intervals whose times are not finite numbers (an invalid Date gives NaN). */
export function checkIntervals(intervals: readonly UptimeInterval[]): void {
  for (const interval of intervals) {
    checkTime(interval.start, 'interval start');
    if (interval.end !== null) checkTime(interval.end, 'interval end');
  }
}

function spansOf(intervals: readonly UptimeInterval[], kind: IntervalKind, to: number): Span[] {
  return mergeSpans(intervals.filter((i) => i.kind === kind).map((i) => ({ start: i.start, end: i.end ?? to })));
}

/**
 * Uptime over `window` for a site monitored since `monitoredSince` (null: never):
 * 1 − down / (monitored − maintenance − unknown). Overlapping intervals of a kind are
 * merged first, so two checks down at once count once; maintenance wins over unknown,
 * and both win over down (an outage during maintenance is not downtime).
 */
export function computeUptime(intervals: readonly UptimeInterval[], window: UptimeWindow, monitoredSince: number | null): UptimeFigures {
  checkTime(window.from, 'window.from');
  checkTime(window.to, 'window.to');
  if (window.to < window.from) throw new UptimeInputError(`window.to (${window.to}) is before window.from (${window.from})`);
  if (monitoredSince !== null) checkTime(monitoredSince, 'monitoredSince');
  checkIntervals(intervals);

  const start = monitoredSince === null ? window.to : Math.max(window.from, monitoredSince);
  if (start >= window.to) return { ratio: null, since: null, downMs: 0, monitoredMs: 0, maintenanceMs: 0, unknownMs: 0 };

  const span = [{ start, end: window.to }];
  const maintenance = clipSpans(spansOf(intervals, 'maintenance', window.to), span[0]);
  const unknown = subtractSpans(clipSpans(spansOf(intervals, 'unknown', window.to), span[0]), maintenance);
  const excluded = mergeSpans([...maintenance, ...unknown]);
  const down = subtractSpans(clipSpans(spansOf(intervals, 'down', window.to), span[0]), excluded);

  const maintenanceMs = totalLength(maintenance);
  const unknownMs = totalLength(unknown);
  const downMs = totalLength(down);
  const monitoredMs = window.to - start - maintenanceMs - unknownMs;
  return {
    ratio: monitoredMs === 0 ? null : 1 - downMs / monitoredMs,
    since: start,
    downMs,
    monitoredMs,
    maintenanceMs,
    unknownMs,
  };
}
