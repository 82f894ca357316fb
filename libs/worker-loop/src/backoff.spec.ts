import fc from 'fast-check';
import { backoffDelayMs, type BackoffPolicy } from './backoff';

const middle = () => 0.5;

describe('backoffDelayMs', () => {
  it('doubles from the initial wait up to the cap, without jitter (the worker loop: 0.5 s up to 30 s)', () => {
    const policy = { initialMs: 500, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((failures) => backoffDelayMs(failures, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('counts a 0th failure as the first', () => {
    expect(backoffDelayMs(0, { initialMs: 500, maxMs: 30_000 })).toBe(500);
  });

  it('moves a wait down by up to `below` and up by up to `above`, then caps it again', () => {
    const policy = { initialMs: 500, maxMs: 5000, jitter: { below: 0.5, above: 0.25 } };
    expect(backoffDelayMs(3, policy, () => 0)).toBe(1000);
    expect(backoffDelayMs(3, policy, middle)).toBe(1750);
    expect(backoffDelayMs(3, policy, () => 0.999_999)).toBe(2500);
    expect(backoffDelayMs(5, policy, () => 0)).toBe(2500);
    expect(backoffDelayMs(5, policy, () => 0.999_999)).toBe(5000);
  });

  it('stays a number for streaks far past the cap, even from a zero initial wait', () => {
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER, { initialMs: 1000, maxMs: 60_000 })).toBe(60_000);
    expect(backoffDelayMs(Number.MAX_SAFE_INTEGER, { initialMs: 0, maxMs: 60_000 })).toBe(0);
  });
});

describe('backoffDelayMs, for any policy and streak', () => {
  const share = fc.double({ min: 0, max: 1, noNaN: true });
  const policies: fc.Arbitrary<BackoffPolicy> = fc
    .record({
      initialMs: fc.integer({ min: 0, max: 60_000 }),
      extraMs: fc.integer({ min: 0, max: 3_600_000 }),
      jitter: fc.option(fc.record({ below: share, above: share }), { nil: undefined }),
    })
    .map(({ initialMs, extraMs, jitter }) => ({ initialMs, maxMs: initialMs + extraMs, jitter }));
  const failures = fc.integer({ min: 0, max: 10_000 });
  const randoms = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('is a whole number of milliseconds from 0 to the cap', () => {
    fc.assert(
      fc.property(failures, policies, randoms, (n, policy, r) => {
        const delay = backoffDelayMs(n, policy, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(policy.maxMs);
      }),
    );
  });

  it('never shrinks as failures go on, for the same draw', () => {
    fc.assert(
      fc.property(failures, policies, randoms, (n, policy, r) => {
        expect(backoffDelayMs(n + 1, policy, () => r)).toBeGreaterThanOrEqual(backoffDelayMs(n, policy, () => r));
      }),
    );
  });

  it('stays within the jitter of the unjittered wait', () => {
    fc.assert(
      fc.property(failures, policies, randoms, (n, policy, r) => {
        const plain = backoffDelayMs(n, { initialMs: policy.initialMs, maxMs: policy.maxMs });
        const { below, above } = policy.jitter ?? { below: 0, above: 0 };
        const delay = backoffDelayMs(n, policy, () => r);
        // One millisecond either way for the rounding of the jittered wait.
        expect(delay).toBeGreaterThanOrEqual(plain * (1 - below) - 1);
        expect(delay).toBeLessThanOrEqual(Math.min(policy.maxMs, plain * (1 + above)) + 1);
      }),
    );
  });

  it('reaches the cap without jitter once the doubling passes it', () => {
    fc.assert(
      fc.property(policies, (policy) => {
        fc.pre(policy.initialMs > 0);
        const n = Math.ceil(Math.log2(policy.maxMs / policy.initialMs)) + 1;
        expect(backoffDelayMs(n, { initialMs: policy.initialMs, maxMs: policy.maxMs })).toBe(policy.maxMs);
      }),
    );
  });
});
