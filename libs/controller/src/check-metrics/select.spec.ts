import { FRESHNESS_GRACE_MS } from '@vigil/quorum';
import { type CatalogueRow, locationVerdict, selectCheckMetrics, seriesPerLocation } from './select';

const NOW = Date.parse('2026-12-05T08:00:00Z');

function row(id: number, location: string | null, patch: Partial<CatalogueRow> = {}): CatalogueRow {
  return {
    id,
    uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    name: `check ${id}`,
    type: 'http',
    site: 'shop',
    intervalS: 60,
    timeoutMs: 5_000,
    location,
    resolved: true,
    lastResultAt: new Date(NOW - 1_000),
    lastInconclusive: false,
    ...patch,
  };
}

describe('which checks are exported', () => {
  it('costs 12 series per location of a probe (2 gauges, 7 buckets, +Inf, sum, count) and 2 for a heartbeat', () => {
    expect(seriesPerLocation('http')).toBe(12);
    expect(seriesPerLocation('heartbeat')).toBe(2);
  });

  it('exports every check that fits, with one label set per location', () => {
    const selection = selectCheckMetrics([row(1, 'eu-1'), row(1, 'us-1'), row(2, 'eu-1', { name: null })], { maxSeries: 100, optedIn: 2, now: NOW });
    expect(selection).toMatchObject({ series: 36, exportedChecks: 2, droppedChecks: 0 });
    expect(selection.gauges.map((gauge) => [gauge.labels.check_name, gauge.labels.location])).toEqual([
      ['check 1', 'eu-1'],
      ['check 1', 'us-1'],
      ['', 'eu-1'],
    ]);
    expect(selection.labels.get(row(1, null).uuid)?.get('us-1')).toEqual({ check: row(1, null).uuid, check_name: 'check 1', site: 'shop', location: 'us-1', type: 'http' });
  });

  it('keeps the oldest checks that fit, drops the first that does not and every later one, whole, and counts them', () => {
    // 3 + 1 + 1 locations: 36, 12, 12 series; 50 fits the first and the second only.
    const rows = [row(7, 'a'), row(7, 'b'), row(7, 'c'), row(3, 'a'), row(9, 'a')];
    const selection = selectCheckMetrics(rows, { maxSeries: 50, optedIn: 3, now: NOW });
    expect([...selection.labels.keys()]).toEqual([row(3, null).uuid, row(7, null).uuid]);
    expect(selection).toMatchObject({ series: 48, exportedChecks: 2, droppedChecks: 1 });
    // A later small check is not slipped in after one that did not fit.
    const tight = selectCheckMetrics(rows, { maxSeries: 40, optedIn: 3, now: NOW });
    expect([...tight.labels.keys()]).toEqual([row(3, null).uuid]);
    expect(tight.droppedChecks).toBe(2);
    expect([...tight.dropped]).toEqual([row(7, null).uuid, row(9, null).uuid]);
  });

  it('counts the opted-in checks the query did not reach as dropped', () => {
    expect(selectCheckMetrics([row(1, 'a')], { maxSeries: 12, optedIn: 5_000, now: NOW }).droppedChecks).toBe(4_999);
  });

  it('exports nothing at a limit of 0', () => {
    const selection = selectCheckMetrics([row(1, 'a')], { maxSeries: 0, optedIn: 1, now: NOW });
    expect(selection).toMatchObject({ gauges: [], series: 0, exportedChecks: 0, droppedChecks: 1 });
  });
});

describe('a location gauge', () => {
  const fresh = 2 * 60_000 + 5_000 + FRESHNESS_GRACE_MS;

  it('is up when its fresh conclusive evidence is not failing', () => {
    expect(locationVerdict(row(1, 'a'), NOW)).toEqual({ up: 1, unknown: 0 });
    expect(locationVerdict(row(1, 'a', { lastResultAt: new Date(NOW - fresh) }), NOW)).toEqual({ up: 1, unknown: 0 });
  });

  it('is down, and known, while the location is failing', () => {
    expect(locationVerdict(row(1, 'a', { resolved: false }), NOW)).toEqual({ up: 0, unknown: 0 });
  });

  it('is unknown, never up, when stale, inconclusive or never reported', () => {
    expect(locationVerdict(row(1, 'a', { lastResultAt: new Date(NOW - fresh - 1) }), NOW)).toEqual({ up: 0, unknown: 1 });
    expect(locationVerdict(row(1, 'a', { lastInconclusive: true }), NOW)).toEqual({ up: 0, unknown: 1 });
    expect(locationVerdict(row(1, 'a', { lastResultAt: null, resolved: false }), NOW)).toEqual({ up: 0, unknown: 1 });
  });
});
