import { createPrng, type Prng } from '@vigil/testing';
import { availability, availabilityByDay, type HistoryInput, type Spell } from './availability';
import { rollupPlan } from './latency';

/*
 * Property-style tests over seeded random histories (a failure names its seed). Times are in
 * whole hours so that the day split is exercised.
 */
const RUNS = 500;
const H = 3_600_000;
const D = 24 * H;

function spell(rng: Prng, open = 0.1): Spell {
  const start = rng.int(-50, 300) * H;
  return { start, end: rng.chance(open) ? null : start + rng.int(1, 60) * H };
}

function scenario(seed: number) {
  const rng = createPrng(seed);
  const from = rng.int(-20, 200) * H + rng.int(0, 59) * 60_000;
  const window = { from, to: from + rng.int(1, 240) * H };
  const history: HistoryInput = {
    outages: Array.from({ length: rng.int(0, 6) }, () => spell(rng)),
    unknownSpells: Array.from({ length: rng.int(0, 4) }, () => spell(rng)),
    maintenance: Array.from({ length: rng.int(0, 4) }, () => {
      const s = spell(rng, 0);
      return { start: s.start, end: s.end as number };
    }),
    unmeasuredSince: rng.chance(0.2) ? window.to - rng.int(0, 30) * H : null,
  };
  return { window, history, monitoredSince: rng.chance(0.1) ? null : rng.int(-50, 250) * H };
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

describe('reports, over random histories', () => {
  it('keeps uptime within [0, 1] and counted, excluded and unmonitored time adding up to the window', () => {
    forEachSeed((seed) => {
      const { window, history, monitoredSince } = scenario(seed);
      const f = availability(history, window, monitoredSince);
      if (f.uptime.ratio !== null) {
        expect(f.uptime.ratio).toBeGreaterThanOrEqual(0);
        expect(f.uptime.ratio).toBeLessThanOrEqual(1);
      } else expect(f.uptime.monitoredMs).toBe(0);
      expect(f.uptime.monitoredMs + f.excludedMs + f.unmonitoredMs).toBe(window.to - window.from);
      expect(f.excludedMs).toBe(f.uptime.maintenanceMs + f.uptime.unknownMs);
      expect(f.unmonitoredMs).toBeGreaterThanOrEqual(0);
      expect(f.uptime.downMs).toBeLessThanOrEqual(f.uptime.monitoredMs);
      const i = f.incidents;
      expect(i.ended + i.ongoing).toBe(i.count);
      expect(i.started).toBeLessThanOrEqual(i.count);
      if (i.mttrMs !== null) expect(i.mttrMs).toBeGreaterThan(0);
      if (i.mtbfMs !== null) expect(i.mtbfMs * i.started).toBeCloseTo(f.uptime.monitoredMs - f.uptime.downMs, 3);
    });
  });

  it('splits into days that add up to the whole window', () => {
    forEachSeed((seed) => {
      const { window, history, monitoredSince } = scenario(seed);
      const whole = availability(history, window, monitoredSince).uptime;
      const days = availabilityByDay(history, window, monitoredSince);
      const sum = (pick: (d: (typeof days)[number]) => number) => days.reduce((total, d) => total + pick(d), 0);
      expect(days.length).toBe(Math.ceil(window.to / D) - Math.floor(window.from / D));
      expect(sum((d) => d.monitoredMs)).toBe(whole.monitoredMs);
      expect(sum((d) => d.maintenanceMs)).toBe(whole.maintenanceMs);
      expect(sum((d) => d.unknownMs)).toBe(whole.unknownMs);
      expect(sum((d) => d.downMs)).toBe(whole.downMs);
    });
  });

  it('plans rollup reads that cover the window once: whole hours from its first, whole days only inside it', () => {
    forEachSeed((seed) => {
      const { window } = scenario(seed);
      const plan = rollupPlan(window);
      const ranges = [...plan.hourly, ...(plan.daily === null ? [] : [plan.daily])].sort((a, b) => a.from - b.from);
      expect(ranges[0].from).toBe(Math.floor(window.from / H) * H);
      expect(ranges[ranges.length - 1].to).toBe(window.to);
      for (let k = 1; k < ranges.length; k += 1) expect(ranges[k].from).toBe(ranges[k - 1].to);
      if (plan.daily !== null) {
        expect(Math.abs(plan.daily.from % D)).toBe(0);
        expect(Math.abs(plan.daily.to % D)).toBe(0);
        expect(plan.daily.from).toBeGreaterThanOrEqual(window.from);
        expect(plan.daily.to).toBeLessThanOrEqual(window.to);
      }
    });
  });
});
