import { DAY_MS, dailyUptime, dayState } from './daily';
import { UptimeInputError, type UptimeInterval } from './uptime';

const H = 3_600_000;
const D = DAY_MS;
// 2026-03-10T15:00:00Z: the last day is partial (15 hours so far).
const now = Date.UTC(2026, 2, 10, 15);
const midnight = Date.UTC(2026, 2, 10);

describe('dailyUptime', () => {
  it('gives one entry per UTC day, oldest first, ending with today counted up to now', () => {
    const days = dailyUptime([], { days: 3, to: now, monitoredSince: 0 });
    expect(days.map((d) => new Date(d.day).toISOString())).toEqual(['2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z']);
    expect(days.map((d) => d.monitoredMs)).toEqual([D, D, 15 * H]);
    expect(days.every((d) => d.state === 'up' && d.ratio === 1)).toBe(true);
  });

  it('colours each day by its worst state', () => {
    const intervals: UptimeInterval[] = [
      { kind: 'down', start: midnight - D + 2 * H, end: midnight - D + 3 * H },
      { kind: 'maintenance', start: midnight - D + H, end: midnight - D + 4 * H },
      { kind: 'maintenance', start: midnight - 2 * D + H, end: midnight - 2 * D + 2 * H },
      { kind: 'down', start: midnight - 2 * D + 5 * H, end: midnight - 2 * D + 6 * H },
      { kind: 'maintenance', start: midnight + H, end: midnight + 2 * H },
      { kind: 'unknown', start: midnight - 3 * D, end: midnight - 2 * D },
    ];
    const days = dailyUptime(intervals, { days: 5, to: now, monitoredSince: midnight - 4 * D + 12 * H });
    // Half monitored; unknown all day; down; down only during maintenance; maintenance.
    expect(days.map((d) => d.state)).toEqual(['up', 'no_data', 'down', 'maintenance', 'maintenance']);
    expect(days[0].monitoredMs).toBe(12 * H);
    expect(days[2].downMs).toBe(H);
    expect(days[3].downMs).toBe(0);
  });

  it('shows days before monitoring began as no data, and an ongoing outage on every day it spans', () => {
    const days = dailyUptime([{ kind: 'down', start: midnight - D - H, end: null }], { days: 4, to: now, monitoredSince: midnight - 2 * D });
    expect(days.map((d) => d.state)).toEqual(['no_data', 'down', 'down', 'down']);
    expect(days.map((d) => d.downMs)).toEqual([0, H, D, 15 * H]);
    expect(days[3].ratio).toBe(0);
  });

  it('leaves unknown time out of a day: partly unknown is up over what was seen, unknown all day is no data, downtime outweighs it', () => {
    const intervals: UptimeInterval[] = [
      // Two days ago: unknown from 22:00 the day before to 02:00 the day after, spells overlapping.
      { kind: 'unknown', start: midnight - 2 * D - 2 * H, end: midnight - D + 2 * H },
      { kind: 'unknown', start: midnight - 2 * D + 5 * H, end: midnight - 2 * D + 9 * H },
      // Yesterday: an hour down inside six unknown hours.
      { kind: 'unknown', start: midnight - D + 6 * H, end: midnight - D + 12 * H },
      { kind: 'down', start: midnight - D + 13 * H, end: midnight - D + 14 * H },
      // Today: unknown since 14:00 and still.
      { kind: 'unknown', start: midnight + 14 * H, end: null },
    ];
    const days = dailyUptime(intervals, { days: 4, to: now, monitoredSince: 0 });
    expect(days.map((d) => d.state)).toEqual(['up', 'no_data', 'down', 'up']);
    expect(days.map((d) => d.unknownMs)).toEqual([2 * H, D, 2 * H + 6 * H, H]);
    expect(days[1]).toMatchObject({ ratio: null, monitoredMs: 0, downMs: 0 });
    expect(days[2]).toMatchObject({ downMs: H, monitoredMs: D - 8 * H, ratio: 1 - H / (D - 8 * H) });
    expect(days[3]).toMatchObject({ ratio: 1, monitoredMs: 14 * H });
  });

  it('refuses a count of days that is not a positive integer, a bad end, or bad intervals', () => {
    expect(() => dailyUptime([], { days: 0, to: now, monitoredSince: 0 })).toThrow(UptimeInputError);
    expect(() => dailyUptime([], { days: 1.5, to: now, monitoredSince: 0 })).toThrow(/days/);
    expect(() => dailyUptime([], { days: 1, to: Number.NaN, monitoredSince: 0 })).toThrow(/to must/);
    expect(() => dailyUptime([{ kind: 'down', start: Number.NaN, end: null }], { days: 1, to: now, monitoredSince: 0 })).toThrow(/interval start/);
  });
});

describe('dayState', () => {
  const figures = { ratio: 1, since: 0, downMs: 0, monitoredMs: 1, maintenanceMs: 0, unknownMs: 0 };
  it('puts downtime before maintenance before up before no data', () => {
    expect(dayState({ ...figures, downMs: 1, maintenanceMs: 1 })).toBe('down');
    expect(dayState({ ...figures, maintenanceMs: 1, monitoredMs: 0 })).toBe('maintenance');
    expect(dayState(figures)).toBe('up');
    expect(dayState({ ...figures, monitoredMs: 0, unknownMs: 5 })).toBe('no_data');
  });
});
