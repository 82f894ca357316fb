import { backoffDelayMs } from '@vigil/worker-loop';

export interface Backoff {
  /** The wait after one more failure: doubled from the last, capped, shortened by up to a fifth so runners do not retry in step. */
  next(): number;
  reset(): void;
  /** Waits so far since the last reset. */
  readonly attempts: number;
}

// Only ever shorter than the doubled wait: a runner waits at most maxMs before it looks again.
const RUNNER_JITTER = { below: 0.2, above: 0 };

/** A failure streak: its delays come from backoffDelayMs (@vigil/worker-loop), the one backoff. */
export function createBackoff(options: { initialMs: number; maxMs: number; random?: () => number }): Backoff {
  const { initialMs, maxMs, random = Math.random } = options;
  let attempts = 0;
  return {
    next() {
      attempts += 1;
      return backoffDelayMs(attempts, { initialMs, maxMs, jitter: RUNNER_JITTER }, random);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
