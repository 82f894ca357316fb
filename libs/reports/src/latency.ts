import { DAY_MS, EMPTY_ROLLUP, HOUR_MS, type KeyedRollup, latencyPercentile, mergeRollups, type Rollup, uptimeOf } from '@vigil/rollups';

/** Bucket starts to read from one rollup table: [from, to). */
export interface BucketRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Which rollups cover a window: the hourly ones for a window of up to SHORT_WINDOW_DAYS days; for a
 * longer one, the daily ones of the whole UTC days inside it and the hourly ones of its ragged
 * edges (the hours before its first midnight and from its last midnight). Hours are whole: a window
 * starting at 10:30 counts the hour from 10:00.
 */
export interface RollupPlan {
  readonly hourly: readonly BucketRange[];
  readonly daily: BucketRange | null;
}

export const SHORT_WINDOW_DAYS = 2;

export function rollupPlan(window: { from: number; to: number }): RollupPlan {
  const firstHour = Math.floor(window.from / HOUR_MS) * HOUR_MS;
  const firstMidnight = Math.ceil(window.from / DAY_MS) * DAY_MS;
  const lastMidnight = Math.floor(window.to / DAY_MS) * DAY_MS;
  if (window.to - window.from <= SHORT_WINDOW_DAYS * DAY_MS || firstMidnight >= lastMidnight) {
    return { hourly: [{ from: firstHour, to: window.to }], daily: null };
  }
  const hourly = [
    { from: firstHour, to: firstMidnight },
    { from: lastMidnight, to: window.to },
  ].filter((r) => r.to > r.from);
  return { hourly, daily: { from: firstMidnight, to: lastMidnight } };
}

export interface LatencyFigures {
  readonly count: number;
  readonly meanMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  /** From the histogram: within PERCENTILE_RELATIVE_ERROR (@vigil/rollups) of the exact value. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
}

/** The results of one check at one location over a window. */
export interface LocationFigures {
  readonly checkId: number;
  readonly location: string;
  readonly count: number;
  readonly failures: number;
  readonly inconclusive: number;
  readonly degraded: number;
  /** Successes / conclusive results (uptimeOf); null when none was conclusive. */
  readonly successRatio: number | null;
  readonly latency: LatencyFigures;
}

export function locationFiguresOf(checkId: number, location: string, r: Rollup): LocationFigures {
  return {
    checkId,
    location,
    count: r.count,
    failures: r.failures,
    inconclusive: r.inconclusive,
    degraded: r.degraded,
    successRatio: uptimeOf(r),
    latency: {
      count: r.latencyCount,
      meanMs: r.latencyCount === 0 ? null : r.latencySum / r.latencyCount,
      minMs: r.latencyMin,
      maxMs: r.latencyMax,
      p50Ms: latencyPercentile(r, 0.5),
      p95Ms: latencyPercentile(r, 0.95),
      p99Ms: latencyPercentile(r, 0.99),
    },
  };
}

/**
 * Hourly and daily rollups (read as rollupPlan says, so no result is counted twice) merged per
 * check and location, ordered by check, then location (code point order).
 */
export function locationFigures(rollups: Iterable<Omit<KeyedRollup, 'start'>>): LocationFigures[] {
  const merged = new Map<string, { checkId: number; location: string; rollup: Rollup }>();
  for (const r of rollups) {
    const key = JSON.stringify([r.checkId, r.location]);
    const into = merged.get(key) ?? { checkId: r.checkId, location: r.location, rollup: EMPTY_ROLLUP };
    merged.set(key, { ...into, rollup: mergeRollups(into.rollup, r.rollup) });
  }
  return [...merged.values()]
    .sort((a, b) => a.checkId - b.checkId || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0))
    .map((m) => locationFiguresOf(m.checkId, m.location, m.rollup));
}
