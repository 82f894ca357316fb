export interface BackoffPolicy {
  /** The wait after the first failure; it doubles with each further one. */
  readonly initialMs: number;
  /** The longest wait, jitter included. */
  readonly maxMs: number;
  /**
   * How far a wait may be moved at random, as shares of it: down by up to `below`, up by up to
   * `above` (a fifth either way: 0.2 and 0.2), so that clients that failed together do not retry
   * together. No jitter when absent.
   */
  readonly jitter?: { readonly below: number; readonly above: number };
}

// 2^30 times any initial wait of a millisecond or more is beyond every cap in use (12 days);
// stopping there keeps a long streak from reaching Infinity (and 0 · Infinity = NaN).
const MAX_DOUBLINGS = 30;

/**
 * How long to wait after the `failures`-th failure in a row (1-based; 0 counts as 1):
 * initialMs · 2^(failures-1), capped at maxMs, moved by the jitter, capped again, in whole
 * milliseconds. `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const doublings = Math.min(MAX_DOUBLINGS, Math.max(0, failures - 1));
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** doublings);
  const { below, above } = policy.jitter ?? { below: 0, above: 0 };
  const jittered = exponential * (1 - below + (below + above) * random());
  return Math.round(Math.min(policy.maxMs, jittered));
}
