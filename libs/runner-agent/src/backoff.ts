export interface Backoff {
  /** The next wait: doubled from the last, capped, with up to a fifth of jitter so runners do not retry in step. */
  next(): number;
  reset(): void;
  /** Waits so far since the last reset. */
  readonly attempts: number;
}

export function createBackoff(options: { initialMs: number; maxMs: number; random?: () => number }): Backoff {
  const { initialMs, maxMs, random = Math.random } = options;
  let attempts = 0;
  return {
    next() {
      const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempts, 30));
      attempts += 1;
      return Math.round(base * (0.8 + 0.2 * random()));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
