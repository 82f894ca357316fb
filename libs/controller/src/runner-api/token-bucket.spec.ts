import { createTokenBuckets } from './token-bucket';

describe('createTokenBuckets', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it('lets a new key make a burst of requests at once, then refuses the next', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 3, clock });
    expect([buckets.take('us-1'), buckets.take('us-1'), buckets.take('us-1')]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(buckets.take('us-1')).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate, never above the burst', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 2, burst: 2, clock });
    buckets.take('us-1');
    buckets.take('us-1');
    now += 499;
    expect(buckets.take('us-1').ok).toBe(false);
    now += 1;
    expect(buckets.take('us-1').ok).toBe(true);
    now += 60_000;
    expect([buckets.take('us-1').ok, buckets.take('us-1').ok, buckets.take('us-1').ok]).toEqual([true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1, clock });
    expect(buckets.take('us-1').ok).toBe(true);
    expect(buckets.take('us-1').ok).toBe(false);
    expect(buckets.take('eu-1').ok).toBe(true);
  });

  it('says how many whole seconds until a token is back, at least 1', () => {
    const slow = createTokenBuckets({ ratePerSecond: 0.2, burst: 1, clock });
    slow.take('us-1');
    expect(slow.take('us-1')).toEqual({ ok: false, retryAfterSeconds: 5 });
    now += 2_500;
    expect(slow.take('us-1')).toEqual({ ok: false, retryAfterSeconds: 3 });
    const fast = createTokenBuckets({ ratePerSecond: 100, burst: 1, clock });
    fast.take('us-1');
    expect(fast.take('us-1')).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('does not count refused requests against the key', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1, clock });
    buckets.take('us-1');
    for (let i = 0; i < 10; i++) buckets.take('us-1');
    now += 1_000;
    expect(buckets.take('us-1').ok).toBe(true);
  });

  it('adds nothing when the clock steps back', () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1, clock });
    buckets.take('us-1');
    now -= 10_000;
    expect(buckets.take('us-1').ok).toBe(false);
    now += 1_000;
    expect(buckets.take('us-1').ok).toBe(true);
  });

  it.each([
    [{ ratePerSecond: 0, burst: 1 }, 'ratePerSecond must be positive, got 0'],
    [{ ratePerSecond: Number.NaN, burst: 1 }, 'ratePerSecond must be positive, got NaN'],
    [{ ratePerSecond: 1, burst: 0.5 }, 'burst must be at least 1, got 0.5'],
  ])('refuses %p', (options, message) => {
    expect(() => createTokenBuckets(options)).toThrow(message);
  });
});
