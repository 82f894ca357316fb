import { retryDelayMs } from './backoff';

const backoff = { initialMs: 1000, maxMs: 10_000 };

describe('retryDelayMs', () => {
  it('doubles the wait with each failed attempt, up to the maximum', () => {
    const middle = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, backoff, middle))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('moves each wait by at most 20 % either way', () => {
    expect(retryDelayMs(3, backoff, () => 0)).toBe(3200);
    expect(retryDelayMs(3, backoff, () => 0.999_999)).toBe(4800);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(2, backoff);
      expect(delay).toBeGreaterThanOrEqual(1600);
      expect(delay).toBeLessThanOrEqual(2400);
    }
  });

  it('never waits longer than the maximum, jitter included', () => {
    expect(retryDelayMs(10, backoff, () => 0.999)).toBe(10_000);
  });
});
