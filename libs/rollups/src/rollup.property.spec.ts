import { createPrng, type Prng } from '@vigil/testing';
import { bucketRange, latencyBucket, PERCENTILE_RELATIVE_ERROR } from './buckets';
import { latencyPercentile } from './percentile';
import { addResult, EMPTY_ROLLUP, mergeRollups, rollupOf, uptimeOf, type RolledResult, type Rollup } from './rollup';
import { bucketStart, DAY_MS, HOUR_MS, mergeInto, type KeyedRollup } from './windows';

/*
 * Seeded random results: the rollup of all equals the merge, in any order and grouping, of the
 * rollups of any partition of them; percentiles from the histogram stay within the bucket error
 * of the exact nearest-rank percentile. A failure names its seed.
 */

const RUNS = 300;

function randomLatency(rng: Prng): number | null {
  if (rng.chance(0.05)) return null;
  // Mostly spread over 0 ms to 60 s on a log scale, some timeouts beyond.
  if (rng.chance(0.02)) return rng.int(60_001, 120_000);
  return Math.floor(Math.exp(rng.next() * Math.log(60_001))) - 1 + (rng.chance(0.1) ? 1 : 0);
}

function randomResult(rng: Prng): RolledResult {
  const ok = rng.chance(0.8);
  const inconclusive = !ok && rng.chance(0.3);
  return { ok, inconclusive, degraded: ok && rng.chance(0.1), latencyMs: randomLatency(rng) };
}

function shuffle<T>(rng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Cuts a list into random consecutive parts (some empty). */
function partition<T>(rng: Prng, items: readonly T[]): T[][] {
  const parts: T[][] = [[]];
  for (const item of items) {
    if (rng.chance(0.2)) parts.push([]);
    parts[parts.length - 1].push(item);
    if (rng.chance(0.05)) parts.push([]);
  }
  return parts;
}

/** Merges in a random tree shape. */
function mergeRandomly(rng: Prng, rollups: Rollup[]): Rollup {
  const pool = [...rollups];
  if (pool.length === 0) return EMPTY_ROLLUP;
  while (pool.length > 1) {
    const a = pool.splice(rng.int(0, pool.length - 1), 1)[0];
    const b = pool.splice(rng.int(0, pool.length - 1), 1)[0];
    pool.push(rng.chance(0.5) ? mergeRollups(a, b) : mergeRollups(b, a));
  }
  return pool[0];
}

function exactPercentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

describe('rollups (property)', () => {
  it('the merge of the rollups of any partition of results equals the rollup of all', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const rng = createPrng(seed);
      const results = Array.from({ length: rng.int(0, 300) }, () => randomResult(rng));
      const whole = rollupOf(results);
      const parts = shuffle(rng, partition(rng, shuffle(rng, [...results])).map(rollupOf));
      expect({ seed, rollup: mergeRandomly(rng, parts) }).toEqual({ seed, rollup: whole });
      expect({ seed, rollup: mergeRollups(whole, EMPTY_ROLLUP) }).toEqual({ seed, rollup: whole });
    }
  });

  it('counts what the results say', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const rng = createPrng(seed);
      const results = Array.from({ length: rng.int(0, 200) }, () => randomResult(rng));
      const r = rollupOf(results);
      const latencies = results.filter((x) => x.ok && x.latencyMs !== null).map((x) => x.latencyMs as number);
      expect({ seed, r }).toEqual({
        seed,
        r: {
          count: results.length,
          failures: results.filter((x) => !x.ok && !x.inconclusive).length,
          inconclusive: results.filter((x) => x.inconclusive).length,
          degraded: results.filter((x) => x.ok && x.degraded).length,
          latencyCount: latencies.length,
          latencySum: latencies.reduce((s, x) => s + x, 0),
          latencyMin: latencies.length === 0 ? null : Math.min(...latencies),
          latencyMax: latencies.length === 0 ? null : Math.max(...latencies),
          histogram: r.histogram.map((_, b) => latencies.filter((x) => latencyBucket(x) === b).length),
        },
      });
      const conclusive = results.filter((x) => !x.inconclusive);
      expect(uptimeOf(r)).toBe(conclusive.length === 0 ? null : conclusive.filter((x) => x.ok).length / conclusive.length);
    }
  });

  it('percentiles of merged rollups are within the bucket error of the exact percentile', () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const rng = createPrng(seed);
      const results = Array.from({ length: rng.int(1, 400) }, () => ({ ...randomResult(rng), ok: true, inconclusive: false }));
      const merged = mergeRandomly(rng, partition(rng, results).map(rollupOf));
      const sorted = results.flatMap((x) => (x.latencyMs === null ? [] : [x.latencyMs])).sort((a, b) => a - b);
      for (const p of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
        const estimate = latencyPercentile(merged, p);
        if (sorted.length === 0) {
          expect(estimate).toBeNull();
          continue;
        }
        const exact = exactPercentile(sorted, p);
        const context = { seed, p, exact, estimate };
        expect(estimate).not.toBeNull();
        const e = estimate as number;
        // Same bucket as the exact value, and within the rollup's min and max.
        const { lowest, highest } = bucketRange(latencyBucket(exact));
        expect({ ...context, inBucket: e >= Math.min(lowest, exact) && e <= highest }).toEqual({ ...context, inBucket: true });
        expect(e).toBeGreaterThanOrEqual(sorted[0]);
        expect(e).toBeLessThanOrEqual(sorted[sorted.length - 1]);
        if (exact > 60_000) continue;
        const error = exact <= 1 ? Math.abs(e - exact) : Math.abs(e - exact) / exact;
        expect({ ...context, withinError: error <= (exact <= 1 ? 1 : PERCENTILE_RELATIVE_ERROR) }).toEqual({ ...context, withinError: true });
      }
    }
  });

  it('merges hours into UTC days per check and location', () => {
    const rng = createPrng(7);
    const base = Date.UTC(2026, 11, 1);
    const results = Array.from({ length: 500 }, () => ({
      checkId: rng.int(1, 3),
      location: rng.pick(['fra', 'nyc']),
      at: base + rng.int(0, 3 * DAY_MS - 1),
      result: randomResult(rng),
    }));
    const hourly: KeyedRollup[] = [];
    const byHour = new Map<string, typeof results>();
    for (const r of results) {
      const key = JSON.stringify([r.checkId, r.location, bucketStart(r.at, 'hour')]);
      byHour.set(key, [...(byHour.get(key) ?? []), r]);
    }
    for (const [key, rows] of byHour) {
      const [checkId, location, start] = JSON.parse(key) as [number, string, number];
      hourly.push({ checkId, location, start, rollup: rollupOf(rows.map((r) => r.result)) });
    }
    const daily = mergeInto(shuffle(rng, hourly), 'day');
    expect(daily.length).toBe(3 * 2 * 3);
    for (const day of daily) {
      expect(day.start % DAY_MS).toBe(0);
      const rows = results.filter((r) => r.checkId === day.checkId && r.location === day.location && r.at >= day.start && r.at < day.start + DAY_MS);
      expect(day.rollup).toEqual(rollupOf(rows.map((r) => r.result)));
    }
    expect(bucketStart(base + HOUR_MS + 5, 'hour')).toBe(base + HOUR_MS);
  });

  it('adds one result at a time as it rolls many', () => {
    const r = addResult(addResult(EMPTY_ROLLUP, { ok: true, inconclusive: false, degraded: true, latencyMs: 120 }), {
      ok: false,
      inconclusive: false,
      degraded: false,
      latencyMs: 30_000,
    });
    expect(r).toMatchObject({ count: 2, failures: 1, degraded: 1, latencyCount: 1, latencySum: 120, latencyMin: 120, latencyMax: 120 });
    expect(latencyPercentile(r, 0.5)).toBe(120);
    expect(() => latencyPercentile(r, 0)).toThrow(RangeError);
    expect(latencyPercentile(EMPTY_ROLLUP, 0.5)).toBeNull();
    expect(uptimeOf(EMPTY_ROLLUP)).toBeNull();
  });
});
