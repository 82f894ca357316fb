/**
 * Fixed latency buckets, the same for every rollup so that histograms add up. Bucket 0 holds
 * latencies up to 1 ms; bucket i holds (LATENCY_UPPER_BOUNDS[i - 1], LATENCY_UPPER_BOUNDS[i]];
 * the last bucket holds everything above 60 s. The bounds are ⌈2^(i/8)⌉ ms (each bucket about
 * 9 % wider than the one before, every integer below 17 ms a bucket of its own) up to 60 s.
 *
 * Stored histograms are positions in this list: changing it invalidates every stored rollup.
 * The database computes the same function (`vigil_latency_bucket`, migration
 * 20261205050347_check_rollups): a test holds the two equal.
 */
export const LATENCY_UPPER_BOUNDS: readonly number[] = Object.freeze([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 21, 23, 25, 27, 30, 32, 35, 39, 42, 46, 50, 54, 59, 64, 70, 77, 83, 91, 99,
  108, 118, 128, 140, 153, 166, 182, 198, 216, 235, 256, 280, 305, 332, 363, 395, 431, 470, 512, 559, 609, 664, 725, 790, 862, 940, 1024,
  1117, 1218, 1328, 1449, 1580, 1723, 1879, 2048, 2234, 2436, 2656, 2897, 3159, 3445, 3757, 4096, 4467, 4871, 5312, 5793, 6317, 6889,
  7513, 8192, 8934, 9742, 10624, 11586, 12634, 13778, 15025, 16384, 17867, 19484, 21248, 23171, 25268, 27555, 30049, 32768, 35734, 38968,
  42495, 46341, 50536, 55109, 60000,
]);

/** Buckets in a histogram: one per upper bound, and one for latencies above the last. */
export const LATENCY_BUCKETS = LATENCY_UPPER_BOUNDS.length + 1;

/**
 * The worst relative error of a percentile read from a histogram, for latencies of 1 ms to
 * 60 s: a bucket's estimate is the geometric middle of its integer range [a, b], at most
 * √(b / a) − 1 from any value in it (4.4 %). Below 1 ms the error is at most 1 ms.
 */
export const PERCENTILE_RELATIVE_ERROR = 0.045;

/** The bucket of a latency in whole milliseconds (negative or 0 counts as the first bucket). */
export function latencyBucket(ms: number): number {
  // Binary search for the first upper bound ≥ ms.
  let lo = 0;
  let hi = LATENCY_UPPER_BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (LATENCY_UPPER_BOUNDS[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The integer latencies a bucket holds: [lowest, highest]; the last bucket's highest is unbounded. */
export function bucketRange(bucket: number): { readonly lowest: number; readonly highest: number } {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= LATENCY_BUCKETS) throw new RangeError(`no latency bucket ${bucket}`);
  const lowest = bucket === 0 ? 0 : LATENCY_UPPER_BOUNDS[bucket - 1] + 1;
  const highest = bucket < LATENCY_UPPER_BOUNDS.length ? LATENCY_UPPER_BOUNDS[bucket] : Number.POSITIVE_INFINITY;
  return { lowest, highest };
}
