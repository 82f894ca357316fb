export interface Backoff {
  /** The wait after the first failed attempt; it doubles with each further one. */
  readonly baseMs: number;
  /** The longest wait between two attempts. */
  readonly maxMs: number;
}

/** 30 s, 1 min, 2 min… up to an hour: eight attempts span about an hour and a half. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 3_600_000 };

/** How far the jitter moves a wait either way: ±20 %. */
export const JITTER = 0.2;

/**
 * How long to wait after the `attempt`-th failed attempt (1-based): baseMs·2^(attempt-1), capped
 * at maxMs, moved by ±20 % so that notifications that failed together do not retry together.
 * `random` returns a number in [0, 1), like Math.random.
 */
export function retryDelayMs(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(backoff.maxMs, jittered));
}
