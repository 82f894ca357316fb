import { PERCENTILE_RELATIVE_ERROR, rollupOf } from '@vigil/rollups';
import { locationFigures, rollupPlan } from './latency';

const t = (iso: string) => Date.parse(iso);
const range = (from: string, to: string) => ({ from: t(from), to: t(to) });

describe('rollupPlan', () => {
  it('reads whole hours of a short window', () => {
    expect(rollupPlan(range('2026-03-01T10:30:00Z', '2026-03-02T10:30:00Z'))).toEqual({
      hourly: [range('2026-03-01T10:00:00Z', '2026-03-02T10:30:00Z')],
      daily: null,
    });
  });

  it('reads whole days of a long window, and hours at its ragged edges', () => {
    expect(rollupPlan(range('2026-03-01T10:30:00Z', '2026-03-10T05:00:00Z'))).toEqual({
      hourly: [range('2026-03-01T10:00:00Z', '2026-03-02T00:00:00Z'), range('2026-03-10T00:00:00Z', '2026-03-10T05:00:00Z')],
      daily: range('2026-03-02T00:00:00Z', '2026-03-10T00:00:00Z'),
    });
    expect(rollupPlan(range('2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z'))).toEqual({ hourly: [], daily: range('2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z') });
  });
});

describe('locationFigures', () => {
  const ok = (latencyMs: number) => ({ ok: true, inconclusive: false, degraded: false, latencyMs });
  const failed = { ok: false, inconclusive: false, degraded: false, latencyMs: null };
  const unsure = { ok: false, inconclusive: true, degraded: false, latencyMs: null };

  it('merges hours and days per check and location, with counts and latency percentiles', () => {
    const figures = locationFigures([
      { checkId: 2, location: 'eu-1', rollup: rollupOf([ok(100), ok(200), failed]) },
      { checkId: 1, location: 'us-1', rollup: rollupOf([unsure]) },
      { checkId: 2, location: 'eu-1', rollup: rollupOf([ok(300), ok(1000), unsure]) },
      { checkId: 1, location: 'ap-1', rollup: rollupOf([ok(50)]) },
    ]);
    expect(figures.map((f) => [f.checkId, f.location])).toEqual([
      [1, 'ap-1'],
      [1, 'us-1'],
      [2, 'eu-1'],
    ]);
    const eu = figures[2];
    expect(eu).toMatchObject({ count: 6, failures: 1, inconclusive: 1, degraded: 0, successRatio: 4 / 5 });
    expect(eu.latency).toMatchObject({ count: 4, meanMs: 400, minMs: 100, maxMs: 1000 });
    // Nearest rank of 100, 200, 300, 1000: p50 is 200, p95 and p99 are 1000.
    expect(Math.abs((eu.latency.p50Ms as number) - 200)).toBeLessThanOrEqual(200 * PERCENTILE_RELATIVE_ERROR);
    expect(Math.abs((eu.latency.p95Ms as number) - 1000)).toBeLessThanOrEqual(1000 * PERCENTILE_RELATIVE_ERROR);
    expect(figures[1]).toMatchObject({ successRatio: null, latency: { count: 0, meanMs: null, p50Ms: null, p99Ms: null } });
  });
});
