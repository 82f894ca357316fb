import { freshForMs, FRESHNESS_GRACE_MS } from './freshness';

describe('freshForMs', () => {
  it('is two intervals, plus the timeout, plus 10 s', () => {
    expect(FRESHNESS_GRACE_MS).toBe(10_000);
    expect(freshForMs({ intervalS: 60, timeoutMs: 10_000 })).toBe(140_000);
    expect(freshForMs({ intervalS: 30, timeoutMs: 5_000 })).toBe(75_000);
  });

  it('grows with the interval and the timeout', () => {
    expect(freshForMs({ intervalS: 61, timeoutMs: 10_000 }) - freshForMs({ intervalS: 60, timeoutMs: 10_000 })).toBe(2_000);
    expect(freshForMs({ intervalS: 60, timeoutMs: 10_001 }) - freshForMs({ intervalS: 60, timeoutMs: 10_000 })).toBe(1);
  });
});
