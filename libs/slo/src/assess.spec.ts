import type { UptimeInterval } from '@vigil/uptime';
import { assessSlo, historyStart } from './assess';
import { SloInputError } from './errors';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-05T12:00:00Z');
const SINCE = NOW - 40 * DAY;
const THREE_NINES = { targetPct: 99.9, windowDays: 30 };

const down = (startAgo: number, endAgo: number | null): UptimeInterval => ({ kind: 'down', start: NOW - startAgo, end: endAgo === null ? null : NOW - endAgo });

describe('assessSlo', () => {
  it('reports a clean site: full availability, an untouched budget, no burn', () => {
    const a = assessSlo({ intervals: [], monitoredSince: SINCE }, THREE_NINES, NOW, false);
    expect(a.window).toEqual({ from: NOW - 30 * DAY, to: NOW });
    expect(a.availability.ratio).toBe(1);
    expect(a.budget.remainingFraction).toBe(1);
    expect(a.budget.allowedMinutes).toBeCloseTo(43.2, 9);
    expect(a.burnRates).toEqual({ '5m': 0, '30m': 0, '1h': 0, '6h': 0, '3d': 0 });
    expect(a.decision.burning).toBe(false);
  });

  it('fires the fast rule for an outage of the last ten minutes that is still going on', () => {
    const a = assessSlo({ intervals: [down(10 * MIN, null)], monitoredSince: SINCE }, THREE_NINES, NOW, false);
    expect(a.burnRates['5m']).toBeCloseTo(1000, 6);
    expect(a.burnRates['1h']).toBeCloseTo(10 / 60 / 0.001, 6);
    expect(a.burnRates['3d']).toBeCloseTo(10 / (3 * 1440) / 0.001, 6);
    expect(a.decision).toMatchObject({ burning: true, rule: { name: 'fast' } });
    expect(a.budget.consumedMinutes).toBeCloseTo(10, 9);
    expect(a.availability.downMs).toBe(10 * MIN);
  });

  it('does not fire for an outage that ended before the short windows, and ends an open alert', () => {
    const history = { intervals: [down(40 * MIN, 31 * MIN)], monitoredSince: SINCE };
    const a = assessSlo(history, THREE_NINES, NOW, false);
    expect(a.burnRates['1h']).toBeGreaterThan(14.4);
    expect(a.burnRates['5m']).toBe(0);
    expect(a.decision.burning).toBe(false);
    expect(assessSlo(history, THREE_NINES, NOW, true).decision.burning).toBe(false);
  });

  it('does not alert on a slow burn under the thresholds', () => {
    // 3 seconds down in every minute against 99 %: burn 5, under both 6 and 14.4, all day long.
    const intervals = Array.from({ length: 3 * 1440 }, (_, i) => down((i + 1) * MIN, (i + 1) * MIN - 3000));
    const a = assessSlo({ intervals, monitoredSince: SINCE }, { targetPct: 99, windowDays: 30 }, NOW, false);
    expect(a.burnRates['6h']).toBeCloseTo(5, 6);
    expect(a.burnRates['5m']).toBeCloseTo(5, 6);
    expect(a.decision.burning).toBe(false);
    // It still spends the budget: five times too fast over the last 3 days.
    expect(a.budget.consumedMinutes).toBeCloseTo(3 * 1440 * 0.05, 6);
  });

  it('leaves maintenance and unknown spells out, as availability does', () => {
    const intervals: UptimeInterval[] = [down(10 * MIN, null), { kind: 'maintenance', start: NOW - 20 * MIN, end: null }];
    const a = assessSlo({ intervals, monitoredSince: SINCE }, THREE_NINES, NOW, false);
    expect(a.availability.downMs).toBe(0);
    expect(a.burnRates['5m']).toBeNull();
    expect(a.burnRates['1h']).toBe(0);
    expect(a.decision.burning).toBe(false);
  });

  it('uses the scaled windows of the site’s SLO window', () => {
    // 7-day SLO: the fast rule looks at 14 min and 70 s. A 15-minute-old outage fires it.
    const a = assessSlo({ intervals: [down(15 * MIN, null)], monitoredSince: SINCE }, { targetPct: 99.9, windowDays: 7 }, NOW, false);
    expect(a.decision.tiers[0]).toMatchObject({ firing: true });
    expect(a.decision.tiers[0].rule.longMs).toBe(14 * MIN);
    expect(a.window.from).toBe(NOW - 7 * DAY);
  });

  it('has no availability, no budget fractions and no burn for a site never monitored', () => {
    const a = assessSlo({ intervals: [], monitoredSince: null }, THREE_NINES, NOW, true);
    expect(a.availability.ratio).toBeNull();
    expect(a.budget.remainingFraction).toBeNull();
    expect(a.burnRates['1h']).toBeNull();
    expect(a.decision.burning).toBe(false);
  });

  it('counts a budget negative once the window is below target', () => {
    const a = assessSlo({ intervals: [down(2 * DAY, 2 * DAY - 90 * MIN)], monitoredSince: SINCE }, THREE_NINES, NOW, false);
    expect(a.availability.ratio).toBeLessThan(0.999);
    expect(a.budget.remainingFraction).toBeLessThan(0);
    expect(a.budget.remainingMinutes).toBeCloseTo(43.2 - 90, 6);
  });

  it('refuses a bad objective or time', () => {
    const history = { intervals: [], monitoredSince: SINCE };
    expect(() => assessSlo(history, { targetPct: 100, windowDays: 30 }, NOW, false)).toThrow(SloInputError);
    expect(() => assessSlo(history, { targetPct: 99, windowDays: 0 }, NOW, false)).toThrow(SloInputError);
    expect(() => assessSlo(history, THREE_NINES, Number.NaN, false)).toThrow(SloInputError);
  });
});

describe('historyStart', () => {
  it('reaches back over the SLO window, and at least the 3-day display window', () => {
    expect(historyStart(THREE_NINES, NOW)).toBe(NOW - 30 * DAY);
    expect(historyStart({ targetPct: 99, windowDays: 1 }, NOW)).toBe(NOW - 3 * DAY);
    expect(() => historyStart({ targetPct: 99, windowDays: 366 }, NOW)).toThrow(SloInputError);
  });
});
