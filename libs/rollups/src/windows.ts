import { EMPTY_ROLLUP, mergeRollups, type Rollup } from './rollup';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export type Granularity = 'hour' | 'day';

/** The start of the UTC hour or day holding an instant (epoch ms). */
export function bucketStart(at: number, granularity: Granularity): number {
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  return Math.floor(at / size) * size;
}

/** A rollup of one check at one location over the bucket starting at `start` (epoch ms). */
export interface KeyedRollup {
  readonly checkId: number;
  readonly location: string;
  readonly start: number;
  readonly rollup: Rollup;
}

/**
 * Merges rollups into coarser buckets (hours into UTC days), per check and location, ordered by
 * check, location and start.
 */
export function mergeInto(rollups: Iterable<KeyedRollup>, granularity: Granularity): KeyedRollup[] {
  const merged = new Map<string, KeyedRollup>();
  for (const r of rollups) {
    const start = bucketStart(r.start, granularity);
    const key = JSON.stringify([r.checkId, r.location, start]);
    const into = merged.get(key)?.rollup ?? EMPTY_ROLLUP;
    merged.set(key, { checkId: r.checkId, location: r.location, start, rollup: mergeRollups(into, r.rollup) });
  }
  return [...merged.values()].sort((a, b) => a.checkId - b.checkId || (a.location < b.location ? -1 : a.location > b.location ? 1 : 0) || a.start - b.start);
}
