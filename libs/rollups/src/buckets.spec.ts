import { bucketRange, LATENCY_BUCKETS, LATENCY_UPPER_BOUNDS, latencyBucket, PERCENTILE_RELATIVE_ERROR } from './buckets';

describe('latency buckets', () => {
  it('are ⌈2^(i/8)⌉ ms, without repeats, up to 60 s', () => {
    const expected: number[] = [];
    for (let i = 0; Math.ceil(2 ** (i / 8)) < 60_000; i++) {
      const bound = Math.ceil(2 ** (i / 8));
      if (expected.at(-1) !== bound) expected.push(bound);
    }
    expect(LATENCY_UPPER_BOUNDS).toEqual([...expected, 60_000]);
    expect(LATENCY_BUCKETS).toBe(112);
  });

  it('put each latency in the bucket whose range holds it, edges included', () => {
    expect(latencyBucket(-5)).toBe(0);
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(2)).toBe(1);
    expect(latencyBucket(17)).toBe(16);
    expect(latencyBucket(18)).toBe(16);
    expect(latencyBucket(19)).toBe(17);
    expect(latencyBucket(60_000)).toBe(110);
    expect(latencyBucket(60_001)).toBe(111);
    expect(latencyBucket(10_000_000)).toBe(111);
    for (let ms = 0; ms <= 70_000; ms++) {
      const { lowest, highest } = bucketRange(latencyBucket(ms));
      expect(ms >= lowest && ms <= highest).toBe(true);
    }
  });

  it('are at most 9 % wide, so their geometric middle is within the documented error', () => {
    for (let b = 1; b < LATENCY_BUCKETS - 1; b++) {
      const { lowest, highest } = bucketRange(b);
      expect(highest).toBeGreaterThanOrEqual(lowest);
      expect(Math.sqrt(highest / lowest) - 1).toBeLessThanOrEqual(PERCENTILE_RELATIVE_ERROR);
    }
    expect(bucketRange(LATENCY_BUCKETS - 1)).toEqual({ lowest: 60_001, highest: Number.POSITIVE_INFINITY });
  });

  it('refuses a bucket that does not exist', () => {
    expect(() => bucketRange(-1)).toThrow(RangeError);
    expect(() => bucketRange(LATENCY_BUCKETS)).toThrow(RangeError);
    expect(() => bucketRange(1.5)).toThrow(RangeError);
  });
});
