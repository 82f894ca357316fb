import { bucketRollups } from '../public/js/grid.js';
import { HISTORY_WINDOWS, historyQuery, historyWindow, latencySeries, uptimeBars, uptimeText } from '../public/js/history.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-11-23T00:00:00Z');
const formatTime = (ms: number) => new Date(ms).toISOString().slice(5, 16);

function bucket(start: number, counts: { count: number; failures?: number; inconclusive?: number; degraded?: number }, p50: number | null = null, p95: number | null = null) {
  const failures = counts.failures ?? 0;
  const inconclusive = counts.inconclusive ?? 0;
  const conclusive = counts.count - inconclusive;
  return {
    bucket_start: new Date(start).toISOString(),
    count: counts.count,
    failures,
    inconclusive,
    degraded: counts.degraded ?? 0,
    uptime: conclusive === 0 ? null : (conclusive - failures) / conclusive,
    latency_ms: { count: p50 === null ? 0 : 1, mean: p50, min: p50, max: p95, p50, p95, p99: p95 },
  };
}

describe('history windows', () => {
  it('read hourly rollups up to 7 days and daily ones beyond, 24 h unless asked otherwise', () => {
    expect(HISTORY_WINDOWS.map((w) => [w.name, w.granularity])).toEqual([
      ['24h', 'hour'],
      ['7d', 'hour'],
      ['30d', 'day'],
      ['90d', 'day'],
    ]);
    expect(historyWindow('90d').ms).toBe(90 * DAY);
    expect(historyWindow(null).name).toBe('24h');
    expect(historyWindow('1y').name).toBe('24h');
  });

  it('end with the bucket that holds now, over whole buckets', () => {
    const now = T0 + 10 * HOUR + 5;
    expect(historyQuery(historyWindow('24h'), now)).toEqual({ granularity: 'hour', from: T0 - 13 * HOUR, to: T0 + 11 * HOUR, bucketMs: HOUR });
    expect(historyQuery(historyWindow('90d'), now)).toEqual({ granularity: 'day', from: T0 - 89 * DAY, to: T0 + DAY, bucketMs: DAY });
    // On a boundary, the bucket starting now is the last.
    expect(historyQuery(historyWindow('7d'), T0).to).toBe(T0 + HOUR);
  });
});

describe('latencySeries', () => {
  it('draws p50 and p95 per location at the middle of each bucket with a latency', () => {
    const series = latencySeries(
      [
        { location: 'eu-1', total: bucket(T0, { count: 3 }), buckets: [bucket(T0, { count: 2 }, 40, 90), bucket(T0 + HOUR, { count: 1, failures: 1 })] },
        { location: 'us-1', total: bucket(T0, { count: 1 }), buckets: [bucket(T0 + HOUR, { count: 1 }, 120, 130)] },
      ],
      HOUR,
    );
    expect(series).toEqual([
      { location: 'eu-1 p50', points: [{ t: T0 + HOUR / 2, latency: 40, ok: true }] },
      { location: 'eu-1 p95', points: [{ t: T0 + HOUR / 2, latency: 90, ok: true }] },
      { location: 'us-1 p50', points: [{ t: T0 + 1.5 * HOUR, latency: 120, ok: true }] },
      { location: 'us-1 p95', points: [{ t: T0 + 1.5 * HOUR, latency: 130, ok: true }] },
    ]);
  });
});

describe('uptimeBars', () => {
  it('gives every bucket of the window a bar, saying no data where there were no results and unknown where none was conclusive', () => {
    const bars = uptimeBars(
      [
        bucket(T0, { count: 10 }),
        bucket(T0 + DAY, { count: 4, failures: 1, inconclusive: 2 }),
        bucket(T0 + 2 * DAY, { count: 3, failures: 3 }),
        bucket(T0 + 4 * DAY, { count: 2, inconclusive: 2 }),
        bucket(T0 + 9 * DAY, { count: 1 }), // outside the window
      ],
      { from: T0, to: T0 + 5 * DAY, bucketMs: DAY, formatTime },
    );
    expect(bars.map((b) => [b.state, b.uptime])).toEqual([
      ['up', 1],
      ['partial', 0.5],
      ['down', 0],
      ['no_data', null],
      ['unknown', null],
    ]);
    expect(bars.map((b) => b.start)).toEqual([0, 1, 2, 3, 4].map((d) => T0 + d * DAY));
    expect(bars[1].title).toBe('11-24T00:00–11-25T00:00: uptime 50 % (4 results, 1 failed, 2 inconclusive)');
    expect(bars[3].title).toBe('11-26T00:00–11-27T00:00: no results');
    expect(uptimeText(0.999_996)).toBe('99.999 %');
    expect(uptimeText(null)).toBe('unknown');
  });
});

describe('bucketRollups', () => {
  it('fills 6-hour cells from the hours that start in them, with the rule of the raw grid', () => {
    const now = T0 + 23 * HOUR + 30 * 60_000;
    const grid = bucketRollups(
      [
        {
          location: 'eu-1',
          buckets: [bucket(T0 + 18 * HOUR, { count: 3 }), bucket(T0 + 19 * HOUR, { count: 2, degraded: 1 }), bucket(T0 + 12 * HOUR, { count: 2, failures: 1 })],
        },
        { location: 'gone-1', buckets: [bucket(T0 + 6 * HOUR, { count: 2, inconclusive: 2 }), bucket(T0 - 30 * DAY, { count: 1 })] },
      ],
      { locations: ['eu-1', 'us-1'], now, bucketMs: 6 * HOUR, count: 4, formatTime },
    );
    expect(grid.start).toBe(T0);
    expect(grid.end).toBe(T0 + DAY);
    expect(grid.rows.map((r) => [r.location, r.cells.map((c) => c.state)])).toEqual([
      ['eu-1', ['empty', 'empty', 'mixed', 'degraded']],
      ['us-1', ['empty', 'empty', 'empty', 'empty']],
      ['gone-1', ['empty', 'inconclusive', 'empty', 'empty']],
    ]);
    expect(grid.rows[0].cells[3].title).toBe('eu-1 · 11-23T18:00–11-24T00:00: 5 results, 1 degraded');
    expect(grid.rows[0].cells[2].title).toBe('eu-1 · 11-23T12:00–11-23T18:00: 2 results, 1 failed');
  });
});
