import { freshForMs, freshUntilMs, FRESHNESS_GRACE_MS } from './freshness';
import { isFresh } from './location-state';
import { createQuorumPolicy } from './policy';

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

describe('freshUntilMs', () => {
  const schedule = { intervalS: 60, timeoutMs: 10_000 };
  const policy = createQuorumPolicy({ locations: ['eu-1'], failingThreshold: 1, passingThreshold: 1, failingLocationsThreshold: '1', staleAfterMs: freshForMs(schedule) });
  const state = (lastResultAt: number | null, inconclusive = false) => ({
    location: 'eu-1',
    failingStrikes: 0,
    passingStrikes: 1,
    failing: false,
    lastResultAt,
    inconclusive,
    degradedStrikes: 0,
  });

  it('is the last instant isFresh holds: the latest conclusive result plus freshForMs', () => {
    const until = freshUntilMs(state(1_000_000), schedule);
    expect(until).toBe(1_140_000);
    expect(isFresh(policy, state(1_000_000), 1_140_000)).toBe(true);
    expect(isFresh(policy, state(1_000_000), 1_140_001)).toBe(false);
  });

  it('is null when no conclusive result keeps the location fresh', () => {
    expect(freshUntilMs(state(null), schedule)).toBeNull();
    expect(freshUntilMs(state(1_000_000, true), schedule)).toBeNull();
    expect(isFresh(policy, state(1_000_000, true), 1_000_000)).toBe(false);
  });
});
