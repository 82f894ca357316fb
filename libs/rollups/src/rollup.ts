import { LATENCY_BUCKETS, latencyBucket } from './buckets';

/** What a rollup reads of a stored result (`check_results`). */
export interface RolledResult {
  readonly ok: boolean;
  /** Always with ok = false: the runner could not tell. */
  readonly inconclusive: boolean;
  /** Always with ok = true: a success that crossed a degraded rule. */
  readonly degraded: boolean;
  readonly latencyMs: number | null;
}

/**
 * The results of one check at one location over a time bucket (an hour, a day). Latencies are
 * those of successful results (a timeout's or a refused connection's time says nothing about
 * how fast the target answers).
 */
export interface Rollup {
  /** Every result. */
  readonly count: number;
  /** Conclusive failures (ok = false, not inconclusive). */
  readonly failures: number;
  readonly inconclusive: number;
  readonly degraded: number;
  /** Successful results with a latency: the histogram's total. */
  readonly latencyCount: number;
  readonly latencySum: number;
  /** null when latencyCount is 0. */
  readonly latencyMin: number | null;
  readonly latencyMax: number | null;
  /** LATENCY_BUCKETS counts (see buckets.ts). */
  readonly histogram: readonly number[];
}

export const EMPTY_ROLLUP: Rollup = Object.freeze({
  count: 0,
  failures: 0,
  inconclusive: 0,
  degraded: 0,
  latencyCount: 0,
  latencySum: 0,
  latencyMin: null,
  latencyMax: null,
  histogram: Object.freeze(new Array<number>(LATENCY_BUCKETS).fill(0)),
});

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** The rollup with one more result. */
export function addResult(rollup: Rollup, result: RolledResult): Rollup {
  const latency = result.ok ? result.latencyMs : null;
  const histogram = latency === null ? rollup.histogram : rollup.histogram.map((n, i) => (i === latencyBucket(latency) ? n + 1 : n));
  return {
    count: rollup.count + 1,
    failures: rollup.failures + (!result.ok && !result.inconclusive ? 1 : 0),
    inconclusive: rollup.inconclusive + (result.inconclusive ? 1 : 0),
    degraded: rollup.degraded + (result.ok && result.degraded ? 1 : 0),
    latencyCount: rollup.latencyCount + (latency === null ? 0 : 1),
    latencySum: rollup.latencySum + (latency ?? 0),
    latencyMin: minOf(rollup.latencyMin, latency),
    latencyMax: maxOf(rollup.latencyMax, latency),
    histogram,
  };
}

/** The rollup of some results. */
export function rollupOf(results: Iterable<RolledResult>): Rollup {
  let rollup = EMPTY_ROLLUP;
  for (const result of results) rollup = addResult(rollup, result);
  return rollup;
}

/** The rollup of two disjoint sets of results: associative and commutative, EMPTY_ROLLUP its identity. */
export function mergeRollups(a: Rollup, b: Rollup): Rollup {
  return {
    count: a.count + b.count,
    failures: a.failures + b.failures,
    inconclusive: a.inconclusive + b.inconclusive,
    degraded: a.degraded + b.degraded,
    latencyCount: a.latencyCount + b.latencyCount,
    latencySum: a.latencySum + b.latencySum,
    latencyMin: minOf(a.latencyMin, b.latencyMin),
    latencyMax: maxOf(a.latencyMax, b.latencyMax),
    histogram: a.histogram.map((n, i) => n + b.histogram[i]),
  };
}

/**
 * The share of conclusive results that succeeded, in [0, 1]; null when every result was
 * inconclusive (or there were none): unknown, never counted as up or down.
 */
export function uptimeOf(rollup: Pick<Rollup, 'count' | 'failures' | 'inconclusive'>): number | null {
  const conclusive = rollup.count - rollup.inconclusive;
  return conclusive === 0 ? null : (conclusive - rollup.failures) / conclusive;
}
