import { isRunnerStale } from './runner-json';

describe('runner staleness', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');

  it('calls a runner that was never seen stale', () => {
    expect(isRunnerStale(null, now)).toBe(true);
  });

  it('calls a runner seen within 120 s fresh, and one seen longer ago stale', () => {
    expect(isRunnerStale(new Date(now - 120_000), now)).toBe(false);
    expect(isRunnerStale(new Date(now - 120_001), now)).toBe(true);
  });
});
