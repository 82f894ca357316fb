export interface TokenBucketOptions {
  /** Tokens added per second: the sustained request rate. */
  ratePerSecond: number;
  /** Most tokens a bucket holds: how many requests may come at once after a quiet spell. */
  burst: number;
  /** Milliseconds; injectable for tests. */
  clock?: () => number;
}

export type TakeOutcome = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export interface TokenBuckets {
  /** Takes one token from `key`'s bucket, or says how long until one is there (whole seconds, at least 1). */
  take(key: string): TakeOutcome;
  /** Drops `key`'s bucket (a key that turned out not to exist must not stay in memory). */
  forget(key: string): void;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * One token bucket per key (a runner's slug), kept in memory. A new key starts full.
 * Keys are authenticated runners, so the map stays as small as the fleet.
 */
export function createTokenBuckets(options: TokenBucketOptions): TokenBuckets {
  const { ratePerSecond, clock = Date.now } = options;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be positive, got ${ratePerSecond}`);
  if (!(options.burst >= 1) || !Number.isFinite(options.burst)) throw new RangeError(`burst must be at least 1, got ${options.burst}`);
  const capacity = options.burst;
  const buckets = new Map<string, Bucket>();

  return {
    take(key) {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: capacity, updatedMs: now };
      // A clock that steps back adds nothing rather than taking tokens away.
      bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.updatedMs) / 1000) * ratePerSecond);
      bucket.updatedMs = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
    },
    forget(key) {
      buckets.delete(key);
    },
  };
}
