import { backoffDelayMs, type BackoffPolicy } from '@vigil/worker-loop';

/** How a notification's retries are spaced: the first wait and the longest. */
export type Backoff = Pick<BackoffPolicy, 'initialMs' | 'maxMs'>;

/** 30 s, 1 min, 2 min… up to an hour: eight attempts span about an hour and a half. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 30_000, maxMs: 3_600_000 };

/** How far the jitter moves a wait either way: ±20 %. */
export const JITTER = 0.2;

/**
 * How long to wait after the `attempt`-th failed attempt (1-based): initialMs·2^(attempt-1),
 * capped at maxMs, moved by ±20 % so that notifications that failed together do not retry
 * together (backoffDelayMs of @vigil/worker-loop). `random` returns a number in [0, 1), like Math.random.
 */
export function retryDelayMs(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  return backoffDelayMs(attempt, { ...backoff, jitter: { below: JITTER, above: JITTER } }, random);
}
