import { DAY_MS, dailyUptime } from './daily';
import { mergeSpans, subtractSpans, totalLength, type Span } from './spans';
import { createPrng, type Prng } from '@vigil/testing';
import { computeUptime, type IntervalKind, type UptimeFigures, type UptimeInterval, type UptimeWindow } from './uptime';

/*
 * Property-style tests over seeded random interval sets. Times are small integers, so a
 * brute-force reference can classify every unit of time one by one; a failure names its
 * seed, and `scenario(seed)` alone reproduces it.
 */

const RUNS = 2000;
const KINDS: IntervalKind[] = ['down', 'maintenance', 'unknown'];

interface Scenario {
  intervals: UptimeInterval[];
  window: UptimeWindow;
  monitoredSince: number | null;
}

function randomInterval(rng: Prng, kind = rng.pick(KINDS)): UptimeInterval {
  const start = rng.int(-10, 70);
  return { kind, start, end: rng.chance(0.15) ? null : start + rng.int(-2, 25) };
}

function scenario(seed: number): Scenario {
  const rng = createPrng(seed);
  const from = rng.int(-5, 60);
  return {
    intervals: Array.from({ length: rng.int(0, 12) }, () => randomInterval(rng)),
    window: { from, to: from + rng.int(0, 40) },
    monitoredSince: rng.chance(0.1) ? null : rng.int(-10, 70),
  };
}

/** Each unit of time [t, t+1) classified on its own: the definition, without any merging. */
function reference({ intervals, window, monitoredSince }: Scenario): Omit<UptimeFigures, 'ratio' | 'since'> {
  const totals = { downMs: 0, monitoredMs: 0, maintenanceMs: 0, unknownMs: 0 };
  const covers = (kind: IntervalKind, t: number) => intervals.some((i) => i.kind === kind && i.start <= t && (i.end ?? window.to) >= t + 1);
  for (let t = window.from; t < window.to; t += 1) {
    if (monitoredSince === null || t < monitoredSince) continue;
    if (covers('maintenance', t)) totals.maintenanceMs += 1;
    else if (covers('unknown', t)) totals.unknownMs += 1;
    else {
      totals.monitoredMs += 1;
      if (covers('down', t)) totals.downMs += 1;
    }
  }
  return totals;
}

function forEachSeed(check: (seed: number) => void): void {
  for (let seed = 1; seed <= RUNS; seed += 1) {
    try {
      check(seed);
    } catch (error) {
      throw new Error(`seed ${seed}: ${(error as Error).message}`);
    }
  }
}

describe('uptime, over random interval sets', () => {
  it('matches a unit-by-unit classification of the window', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const figures = computeUptime(s.intervals, s.window, s.monitoredSince);
      const expected = reference(s);
      expect(figures).toMatchObject(expected);
      expect(figures.ratio).toBe(expected.monitoredMs === 0 ? null : 1 - expected.downMs / expected.monitoredMs);
    });
  });

  it('keeps the ratio in [0, 1], null exactly when nothing was monitored, and the parts adding up to the monitored window', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const f = computeUptime(s.intervals, s.window, s.monitoredSince);
      if (f.monitoredMs === 0) expect(f.ratio).toBeNull();
      else {
        expect(f.ratio).toBeGreaterThanOrEqual(0);
        expect(f.ratio).toBeLessThanOrEqual(1);
      }
      expect(f.downMs).toBeLessThanOrEqual(f.monitoredMs);
      const length = f.since === null ? 0 : s.window.to - f.since;
      expect(f.monitoredMs + f.maintenanceMs + f.unknownMs).toBe(length);
    });
  });

  it('never double counts: repeating, reordering or splitting intervals into overlapping pieces changes nothing', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const rng = createPrng(seed + 1_000_000);
      const pieces = s.intervals.flatMap((i) => {
        const end = i.end ?? s.window.to + 100;
        if (end - i.start < 2) return [i, i];
        const cut = rng.int(i.start + 1, end - 1);
        // Two pieces that overlap by up to 3 units, plus the original again.
        return [{ ...i, end: Math.min(end, cut + rng.int(0, 3)) }, { ...i, start: Math.max(i.start, cut - rng.int(0, 3)) }, i];
      });
      expect(computeUptime(rng.shuffle(pieces), s.window, s.monitoredSince)).toEqual(computeUptime(s.intervals, s.window, s.monitoredSince));
    });
  });

  it('adds up when the window is split in two: downtime, monitored time, maintenance and unknown', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const cut = createPrng(seed).int(s.window.from, s.window.to);
      const whole = computeUptime(s.intervals, s.window, s.monitoredSince);
      const left = computeUptime(s.intervals, { from: s.window.from, to: cut }, s.monitoredSince);
      const right = computeUptime(s.intervals, { from: cut, to: s.window.to }, s.monitoredSince);
      // An ongoing interval runs to the end of the window it is measured in: end it at the whole window's.
      const closed = s.intervals.map((i) => ({ ...i, end: i.end ?? s.window.to }));
      const leftClosed = computeUptime(closed, { from: s.window.from, to: cut }, s.monitoredSince);
      expect(leftClosed.downMs + right.downMs).toBe(whole.downMs);
      expect(leftClosed.monitoredMs + right.monitoredMs).toBe(whole.monitoredMs);
      expect(leftClosed.maintenanceMs + right.maintenanceMs).toBe(whole.maintenanceMs);
      expect(leftClosed.unknownMs + right.unknownMs).toBe(whole.unknownMs);
      expect(left.downMs).toBe(leftClosed.downMs);
    });
  });

  it('never raises the ratio when an outage is added', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const before = computeUptime(s.intervals, s.window, s.monitoredSince);
      const after = computeUptime([...s.intervals, randomInterval(createPrng(seed + 7), 'down')], s.window, s.monitoredSince);
      expect(after.monitoredMs).toBe(before.monitoredMs);
      if (before.ratio !== null) expect(after.ratio).toBeLessThanOrEqual(before.ratio);
    });
  });

  it('gives days whose figures add up to the whole period they cover', () => {
    forEachSeed((seed) => {
      const rng = createPrng(seed);
      // Hours instead of units, so the same random shapes span a few days.
      const hour = 3_600_000;
      const s = scenario(seed);
      const intervals = s.intervals.map((i) => ({ ...i, start: i.start * hour, end: i.end === null ? null : i.end * hour }));
      const to = rng.int(1, 90) * hour + rng.int(0, hour);
      const days = rng.int(1, 5);
      const monitoredSince = s.monitoredSince === null ? null : s.monitoredSince * hour;
      const daily = dailyUptime(intervals, { days, to, monitoredSince });
      const whole = computeUptime(intervals, { from: daily[0].day, to }, monitoredSince);
      expect(daily).toHaveLength(days);
      expect(daily[days - 1].day).toBeLessThanOrEqual(to);
      expect(daily[days - 1].day + DAY_MS).toBeGreaterThan(to);
      for (const key of ['downMs', 'monitoredMs', 'maintenanceMs', 'unknownMs'] as const) {
        expect(daily.reduce((sum, d) => sum + d[key], 0)).toBe(whole[key]);
      }
    });
  });
});

describe('span helpers, over random span sets', () => {
  const randomSpans = (rng: Prng): Span[] => Array.from({ length: rng.int(0, 10) }, () => ({ start: rng.int(0, 50), end: rng.int(0, 60) }));
  const covered = (spans: Span[], t: number) => spans.some((s) => s.start <= t && s.end >= t + 1);
  const units = Array.from({ length: 62 }, (_, k) => k - 1);

  it('merges into sorted, disjoint, non-touching spans that cover exactly the same units', () => {
    forEachSeed((seed) => {
      const spans = randomSpans(createPrng(seed));
      const merged = mergeSpans(spans);
      for (let k = 1; k < merged.length; k += 1) expect(merged[k].start).toBeGreaterThan(merged[k - 1].end);
      expect(units.map((t) => covered(merged, t))).toEqual(units.map((t) => covered(spans, t)));
      expect(totalLength(merged)).toBeLessThanOrEqual(spans.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0));
    });
  });

  it('subtracts exactly the units the holes cover', () => {
    forEachSeed((seed) => {
      const rng = createPrng(seed);
      const spans = mergeSpans(randomSpans(rng));
      const holes = mergeSpans(randomSpans(rng));
      const rest = subtractSpans(spans, holes);
      expect(units.map((t) => covered(rest, t))).toEqual(units.map((t) => covered(spans, t) && !covered(holes, t)));
    });
  });
});
