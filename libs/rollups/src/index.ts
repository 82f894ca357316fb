export { LATENCY_BUCKETS, LATENCY_UPPER_BOUNDS, PERCENTILE_RELATIVE_ERROR, bucketRange, latencyBucket } from './buckets';
export { EMPTY_ROLLUP, addResult, mergeRollups, rollupOf, uptimeOf, type RolledResult, type Rollup } from './rollup';
export { latencyPercentile } from './percentile';
export { DAY_MS, HOUR_MS, bucketStart, mergeInto, type Granularity, type KeyedRollup } from './windows';
