import { computeUptime, UptimeInputError, type UptimeInterval } from './uptime';

const H = 3_600_000;
const down = (start: number, end: number | null): UptimeInterval => ({ kind: 'down', start, end });
const maintenance = (start: number, end: number | null): UptimeInterval => ({ kind: 'maintenance', start, end });
const unknown = (start: number, end: number | null): UptimeInterval => ({ kind: 'unknown', start, end });
const day = { from: 0, to: 24 * H };

describe('computeUptime', () => {
  it('is 100% with no outage over a fully monitored window', () => {
    expect(computeUptime([], day, 0)).toEqual({ ratio: 1, since: 0, downMs: 0, monitoredMs: 24 * H, maintenanceMs: 0, unknownMs: 0 });
  });

  it('counts a confirmed outage against the window', () => {
    const figures = computeUptime([down(2 * H, 3 * H)], day, 0);
    expect(figures.downMs).toBe(H);
    expect(figures.ratio).toBeCloseTo(23 / 24, 12);
  });

  it('counts overlapping outages of two checks once', () => {
    const figures = computeUptime([down(2 * H, 4 * H), down(3 * H, 5 * H), down(3 * H, 4 * H)], day, 0);
    expect(figures.downMs).toBe(3 * H);
  });

  it('clips outages to the window, and runs an ongoing one to the window end', () => {
    const figures = computeUptime([down(-5 * H, H), down(23 * H, null), down(30 * H, null)], day, 0);
    expect(figures.downMs).toBe(2 * H);
  });

  it('computes over the monitored part of the window only', () => {
    const figures = computeUptime([down(20 * H, 21 * H)], day, 18 * H);
    expect(figures).toEqual({ ratio: 1 - 1 / 6, since: 18 * H, downMs: H, monitoredMs: 6 * H, maintenanceMs: 0, unknownMs: 0 });
  });

  it('has no ratio for a window that ends before monitoring began, or a site never monitored', () => {
    const empty = { ratio: null, since: null, downMs: 0, monitoredMs: 0, maintenanceMs: 0, unknownMs: 0 };
    expect(computeUptime([down(0, H)], day, 24 * H)).toEqual(empty);
    expect(computeUptime([down(0, H)], day, null)).toEqual(empty);
    expect(computeUptime([], { from: 5, to: 5 }, 0)).toEqual(empty);
  });

  it('leaves maintenance out of both downtime and the denominator', () => {
    const figures = computeUptime([maintenance(0, 6 * H), down(5 * H, 7 * H)], day, 0);
    expect(figures).toEqual({ ratio: 1 - 1 / 18, since: 0, downMs: H, monitoredMs: 18 * H, maintenanceMs: 6 * H, unknownMs: 0 });
  });

  it('never counts unknown periods as downtime, and counts maintenance that is also unknown once', () => {
    const figures = computeUptime([unknown(0, 4 * H), maintenance(2 * H, 6 * H), down(3 * H, 8 * H)], day, 0);
    expect(figures).toEqual({ ratio: 1 - 2 / 18, since: 0, downMs: 2 * H, monitoredMs: 18 * H, maintenanceMs: 4 * H, unknownMs: 2 * H });
  });

  it('has no ratio when the whole monitored window was maintenance', () => {
    const figures = computeUptime([maintenance(-H, null), down(0, H)], day, 0);
    expect(figures).toMatchObject({ ratio: null, since: 0, downMs: 0, monitoredMs: 0, maintenanceMs: 24 * H });
  });

  it('is 0 when down for the whole monitored window', () => {
    expect(computeUptime([down(-H, null)], day, 12 * H).ratio).toBe(0);
  });

  it('ignores intervals whose end is before their start', () => {
    expect(computeUptime([down(5 * H, 4 * H)], day, 0).downMs).toBe(0);
  });

  it('refuses a window that ends before it starts, and times that are not numbers', () => {
    expect(() => computeUptime([], { from: 10, to: 5 }, 0)).toThrow(UptimeInputError);
    expect(() => computeUptime([], { from: Number.NaN, to: 5 }, 0)).toThrow(/window.from/);
    expect(() => computeUptime([], day, Number.POSITIVE_INFINITY)).toThrow(/monitoredSince/);
    expect(() => computeUptime([down(Number.NaN, 5)], day, 0)).toThrow(/interval start/);
    expect(() => computeUptime([down(0, Number.NaN)], day, 0)).toThrow(/interval end/);
  });
});
