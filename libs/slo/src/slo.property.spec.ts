import { createPrng, type Prng } from '@vigil/testing';
import type { IntervalKind, UptimeInterval } from '@vigil/uptime';
import { assessSlo, type SloObjective } from './assess';
import { type BurnDecision, burnRules, DISPLAY_WINDOWS } from './policy';

/*
 * Property-style tests over seeded random histories. Times are aligned to a 10-second unit, so a
 * brute-force reference can classify every unit of the window on its own (maintenance, else
 * unknown, else down, else up) and count: no span arithmetic, no computeUptime. A failure names
 * its seed.
 */

const RUNS = 200;
const UNIT = 10_000;
const DAY_UNITS = 8640;
const NOW_UNITS = 10 * DAY_UNITS;
const KINDS: IntervalKind[] = ['down', 'down', 'down', 'maintenance', 'unknown'];

interface Scenario {
  intervals: UptimeInterval[];
  monitoredSince: number | null;
  objective: SloObjective;
  open: boolean;
}

function randomInterval(rng: Prng): UptimeInterval {
  // Most of them recent, where the windows of the rules are; lengths from seconds to hours.
  // Some only just begun: the short window is hot, the long one not yet (the hysteresis case).
  const startAgo = rng.chance(0.15) ? rng.int(0, 40) : rng.chance(0.7) ? rng.int(0, 12 * 360) : rng.int(0, 4 * DAY_UNITS);
  const length = rng.pick([rng.int(1, 30), rng.int(1, 400), rng.int(1, 3000)]);
  const start = (NOW_UNITS - startAgo) * UNIT;
  return { kind: rng.pick(KINDS), start, end: rng.chance(0.15) ? null : start + length * UNIT };
}

function scenario(seed: number): Scenario {
  const rng = createPrng(seed);
  return {
    intervals: Array.from({ length: rng.int(0, 10) }, () => randomInterval(rng)),
    monitoredSince: rng.chance(0.05) ? null : (NOW_UNITS - rng.int(0, 5 * DAY_UNITS)) * UNIT,
    objective: { targetPct: rng.pick([90, 93, 95, 97, 99, 99.9]), windowDays: rng.int(1, 4) },
    open: rng.chance(0.5),
  };
}

/** Per unit of the last `span` units: 'm', 'u', 'd', 'x' (not monitored) or 'o' (ok). */
function classify(s: Scenario, spanUnits: number): string[] {
  const classes: string[] = [];
  const covers = (kind: IntervalKind, t: number) => s.intervals.some((i) => i.kind === kind && i.start <= t && (i.end ?? NOW_UNITS * UNIT) >= t + UNIT);
  for (let u = NOW_UNITS - spanUnits; u < NOW_UNITS; u += 1) {
    const t = u * UNIT;
    if (s.monitoredSince === null || t < s.monitoredSince) classes.push('x');
    else if (covers('maintenance', t)) classes.push('m');
    else if (covers('unknown', t)) classes.push('u');
    else if (covers('down', t)) classes.push('d');
    else classes.push('o');
  }
  return classes;
}

function referenceBurn(classes: string[], windowMs: number, targetPct: number): number | null {
  const last = classes.slice(classes.length - windowMs / UNIT);
  const downUnits = last.filter((c) => c === 'd').length;
  const monitored = last.filter((c) => c === 'd' || c === 'o').length;
  return monitored === 0 ? null : downUnits / monitored / ((100 - targetPct) / 100);
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

const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

describe('assessSlo against a unit-by-unit reference', () => {
  let firing = 0;
  let holding = 0;

  it('computes every burn rate, the budget and the decision as the definition does', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      const a = assessSlo(s, s.objective, NOW_UNITS * UNIT, s.open);
      const classes = classify(s, Math.max(s.objective.windowDays, 3) * DAY_UNITS);
      const { targetPct } = s.objective;

      for (const [name, ms] of Object.entries(DISPLAY_WINDOWS)) {
        const want = referenceBurn(classes, ms, targetPct);
        if (!close(a.burnRates[name as keyof typeof DISPLAY_WINDOWS], want)) throw new Error(`burn over ${name}: ${a.burnRates[name as keyof typeof DISPLAY_WINDOWS]} != ${want}`);
      }

      const windowClasses = classes.slice(classes.length - s.objective.windowDays * DAY_UNITS);
      const downMs = windowClasses.filter((c) => c === 'd').length * UNIT;
      const monitoredMs = windowClasses.filter((c) => c === 'd' || c === 'o').length * UNIT;
      expect(a.availability.downMs).toBe(downMs);
      expect(a.availability.monitoredMs).toBe(monitoredMs);
      expect(close(a.budget.allowedMs, ((100 - targetPct) / 100) * monitoredMs)).toBe(true);
      // The budget is not overspent exactly when availability meets the target.
      if (a.availability.ratio !== null && a.budget.remainingFraction !== null && Math.abs(a.budget.remainingMs) > 1) {
        expect(a.budget.remainingFraction >= 0).toBe(a.availability.ratio >= targetPct / 100);
      }

      const tiers = burnRules(s.objective.windowDays).map((rule) => {
        const long = referenceBurn(classes, rule.longMs, targetPct);
        const short = referenceBurn(classes, rule.shortMs, targetPct);
        const over = (b: number | null) => b !== null && b > rule.threshold;
        return { firing: over(long) && over(short), holding: over(short) };
      });
      const want = tiers.some((t) => t.firing) || (s.open && tiers.some((t) => t.holding));
      expect(a.decision.burning).toBe(want);
      if (tiers.some((t) => t.firing)) firing += 1;
      else if (want) holding += 1;
    });
  });

  it('met both the opening and the hysteresis case often enough to mean something', () => {
    expect(firing).toBeGreaterThan(10);
    expect(holding).toBeGreaterThan(0);
  });
});

describe('the alert over time', () => {
  it('opens only when a rule fires, and closes only when every short window has calmed down', () => {
    forEachSeed((seed) => {
      const s = scenario(seed);
      let open = false;
      // Step a minute at a time through the last two hours, as the job does.
      for (let u = NOW_UNITS - 720; u <= NOW_UNITS; u += 6) {
        const d: BurnDecision = assessSlo(s, s.objective, u * UNIT, open).decision;
        if (!open && d.burning) expect(d.tiers.some((t) => t.firing)).toBe(true);
        if (open && !d.burning) expect(d.tiers.every((t) => !t.holding)).toBe(true);
        open = d.burning;
      }
    });
  });
});
