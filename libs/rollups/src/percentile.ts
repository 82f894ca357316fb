import { bucketRange } from './buckets';
import type { Rollup } from './rollup';

/**
 * The p-th percentile (0 < p ≤ 1, nearest rank: the value at rank ⌈p·n⌉ of the n sorted
 * latencies) estimated from a rollup's histogram: the geometric middle of the bucket holding
 * that rank, kept within the rollup's exact min and max. Within PERCENTILE_RELATIVE_ERROR of
 * the exact percentile from 1 ms to 60 s; above 60 s, somewhere between 60 s and the max.
 * null when the rollup has no latency.
 */
export function latencyPercentile(rollup: Pick<Rollup, 'histogram' | 'latencyMin' | 'latencyMax'>, p: number): number | null {
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile must be in (0, 1], got ${p}`);
  const total = rollup.histogram.reduce((sum, n) => sum + n, 0);
  if (total === 0 || rollup.latencyMin === null || rollup.latencyMax === null) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  let bucket = 0;
  for (; bucket < rollup.histogram.length - 1; bucket++) {
    seen += rollup.histogram[bucket];
    if (seen >= rank) break;
  }
  const { lowest, highest } = bucketRange(bucket);
  const low = Math.max(lowest, rollup.latencyMin);
  const high = Math.min(highest, rollup.latencyMax);
  const middle = low <= 0 ? high / 2 : Math.sqrt(low * high);
  return Math.min(Math.max(middle, rollup.latencyMin), rollup.latencyMax);
}
