import { burnRate, errorBudget } from './budget';
import { allowedBadFraction, checkTarget, checkWindowDays, SloInputError } from './errors';

const MIN = 60_000;
const DAY = 1440 * MIN;

describe('errorBudget', () => {
  it('allows 43.2 minutes of downtime in 30 fully monitored days at 99.9 %', () => {
    const b = errorBudget({ downMs: 0, monitoredMs: 30 * DAY }, 99.9);
    expect(b.allowedMinutes).toBeCloseTo(43.2, 9);
    expect(b).toMatchObject({ consumedMs: 0, consumedFraction: 0, remainingFraction: 1 });
    expect(b.remainingMinutes).toBeCloseTo(43.2, 9);
  });

  it('says how much of it an outage used, as minutes and as a fraction', () => {
    const b = errorBudget({ downMs: 10.8 * MIN, monitoredMs: 30 * DAY }, 99.9);
    expect(b.consumedMinutes).toBeCloseTo(10.8, 9);
    expect(b.consumedFraction).toBeCloseTo(0.25, 9);
    expect(b.remainingFraction).toBeCloseTo(0.75, 9);
    expect(b.remainingMinutes).toBeCloseTo(32.4, 9);
  });

  it('goes negative once the objective is missed', () => {
    const b = errorBudget({ downMs: 86.4 * MIN, monitoredMs: 30 * DAY }, 99.9);
    expect(b.remainingFraction).toBeCloseTo(-1, 9);
    expect(b.remainingMinutes).toBeCloseTo(-43.2, 9);
    expect(b.remainingMs).toBeLessThan(0);
  });

  it('is measured against the monitored time, so it agrees with availability', () => {
    // 10 days monitored (the rest maintenance or unknown): 14.4 minutes allowed at 99.9 %.
    const b = errorBudget({ downMs: 14.4 * MIN, monitoredMs: 10 * DAY }, 99.9);
    expect(b.allowedMinutes).toBeCloseTo(14.4, 9);
    expect(b.remainingFraction).toBeCloseTo(0, 9);
  });

  it('has no fractions when nothing was monitored', () => {
    expect(errorBudget({ downMs: 0, monitoredMs: 0 }, 99)).toEqual({
      allowedMs: 0,
      consumedMs: 0,
      remainingMs: 0,
      consumedFraction: null,
      remainingFraction: null,
      allowedMinutes: 0,
      consumedMinutes: 0,
      remainingMinutes: 0,
    });
  });

  it('refuses a target outside (0, 100)', () => {
    for (const bad of [0, 100, -1, 120, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => errorBudget({ downMs: 0, monitoredMs: DAY }, bad)).toThrow(SloInputError);
    }
  });
});

describe('burnRate', () => {
  it('is the bad fraction over the allowed fraction', () => {
    // 1 % bad against a 99.9 % objective burns ten times faster than sustainable.
    expect(burnRate({ downMs: 36_000, monitoredMs: 3_600_000 }, 99.9)).toBeCloseTo(10, 9);
    expect(burnRate({ downMs: 3_600_000, monitoredMs: 3_600_000 }, 99.9)).toBeCloseTo(1000, 6);
    expect(burnRate({ downMs: 0, monitoredMs: 3_600_000 }, 99.9)).toBe(0);
  });

  it('is 1 when the window spends exactly its share of the budget', () => {
    expect(burnRate({ downMs: 1, monitoredMs: 100 }, 99)).toBeCloseTo(1, 9);
  });

  it('is null when nothing of the window was monitored', () => {
    expect(burnRate({ downMs: 0, monitoredMs: 0 }, 99.9)).toBeNull();
  });

  it('refuses a bad target even for an empty window', () => {
    expect(() => burnRate({ downMs: 0, monitoredMs: 0 }, 100)).toThrow(SloInputError);
  });
});

describe('input checks', () => {
  it('accepts targets strictly between 0 and 100 and names the bounds otherwise', () => {
    expect(() => checkTarget(99.999)).not.toThrow();
    expect(() => checkTarget(0.5)).not.toThrow();
    expect(() => checkTarget(100)).toThrow('strictly between 0 and 100');
    expect(allowedBadFraction(99.9)).toBeCloseTo(0.001, 12);
  });

  it('accepts whole windows of 1 to 365 days', () => {
    expect(() => checkWindowDays(1)).not.toThrow();
    expect(() => checkWindowDays(365)).not.toThrow();
    for (const bad of [0, 366, 7.5, Number.NaN]) expect(() => checkWindowDays(bad)).toThrow('whole number of days from 1 to 365');
  });
});
