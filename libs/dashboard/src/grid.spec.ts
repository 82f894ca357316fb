import { bucketLabel, bucketResults, defaultBucketMs, type GridResult } from '../public/js/grid.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const formatTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

function result(location: string, at: number, ok: boolean, extra: Partial<GridResult> = {}): GridResult {
  return {
    location,
    ok,
    status_code: ok ? 200 : 503,
    latency_ms: 42,
    error_code: ok ? null : 'unexpected_status',
    error: ok ? null : 'expected 200, got 503',
    checked_at: new Date(at).toISOString(),
    ...extra,
  };
}

describe('bucketResults', () => {
  const options = { locations: ['eu-1', 'us-1'], bucketMs: MINUTE, count: 5, formatTime };

  it('ends the window at the bucket boundary after now and puts each result in the bucket of its time', () => {
    const now = T0 + 30_000; // 10:00:30: the last bucket is 10:00–10:01
    const grid = bucketResults([result('eu-1', T0 + 10_000, true), result('eu-1', T0 - MINUTE, false), result('us-1', T0 - 4 * MINUTE, true)], {
      ...options,
      now,
    });
    expect(grid.start).toBe(T0 - 4 * MINUTE);
    expect(grid.end).toBe(T0 + MINUTE);
    expect(grid.columns).toEqual([-4, -3, -2, -1, 0].map((m) => T0 + m * MINUTE));
    expect(grid.rows.map((row) => [row.location, row.cells.map((cell) => cell.state)])).toEqual([
      ['eu-1', ['empty', 'empty', 'empty', 'fail', 'ok']],
      ['us-1', ['ok', 'empty', 'empty', 'empty', 'empty']],
    ]);
  });

  it('calls a bucket mixed when some of its results failed, and keeps them newest first', () => {
    const grid = bucketResults([result('eu-1', T0 + 5_000, false), result('eu-1', T0 + 35_000, true)], { ...options, now: T0 + 40_000 });
    const cell = grid.rows[0].cells[4];
    expect(cell.state).toBe('mixed');
    expect(cell.results.map((r) => r.checked_at)).toEqual(['2026-11-23T10:00:35.000Z', '2026-11-23T10:00:05.000Z']);
  });

  it('shows a degraded pass in a cell of its own, distinct from up and down, and a failure still wins', () => {
    const slow = { degraded: true, latency_ms: 1234 };
    const grid = bucketResults(
      [result('eu-1', T0 + 5_000, true, slow), result('eu-1', T0 + 35_000, true), result('us-1', T0 + 5_000, true, slow), result('us-1', T0 + 6_000, false)],
      { ...options, now: T0 + 40_000 },
    );
    expect(grid.rows.map((row) => row.cells[4].state)).toEqual(['degraded', 'mixed']);
    expect(grid.rows[0].cells[4].title).toBe(
      ['eu-1 · 10:00:00–10:01:00: 2 results, 1 degraded', '10:00:35 ok · 200 · 42 ms', '10:00:05 degraded · 200 · 1234 ms'].join('\n'),
    );
  });

  it('counts inconclusive results neither way: a cell of only those is inconclusive, never failed', () => {
    const unsure = { inconclusive: true, error_code: 'EGRESS_DENIED', error: 'refused by the egress policy', status_code: null };
    const grid = bucketResults(
      [result('eu-1', T0 + 5_000, false, unsure), result('eu-1', T0 + 35_000, true), result('us-1', T0 + 5_000, false, unsure), result('us-1', T0 - MINUTE, false, unsure), result('us-1', T0 - MINUTE + 1, false)],
      { ...options, now: T0 + 40_000 },
    );
    expect(grid.rows.map((row) => row.cells.slice(3).map((cell) => cell.state))).toEqual([
      ['empty', 'ok'],
      ['fail', 'inconclusive'],
    ]);
    expect(grid.rows[0].cells[4].title).toBe(
      [
        'eu-1 · 10:00:00–10:01:00: 2 results, 1 inconclusive',
        '10:00:35 ok · 200 · 42 ms',
        '10:00:05 inconclusive · 42 ms · EGRESS_DENIED: refused by the egress policy',
      ].join('\n'),
    );
  });

  it('titles a cell with its slot, a count of failures and one line per result', () => {
    const grid = bucketResults([result('eu-1', T0 + 5_000, false), result('eu-1', T0 + 35_000, true, { latency_ms: 7 })], {
      ...options,
      now: T0 + 40_000,
    });
    expect(grid.rows[0].cells[4].title).toBe(
      [
        'eu-1 · 10:00:00–10:01:00: 2 results, 1 failed',
        '10:00:35 ok · 200 · 7 ms',
        '10:00:05 failed · 503 · 42 ms · unexpected_status: expected 200, got 503',
      ].join('\n'),
    );
    expect(grid.rows[1].cells[4].title).toBe('us-1 · 10:00:00–10:01:00: no results');
  });

  it('leaves out results before the window or from the future, and adds a row for a location the check no longer has', () => {
    const grid = bucketResults(
      [result('eu-1', T0 - 10 * MINUTE, false), result('eu-1', T0 + 2 * MINUTE, false), result('ap-1', T0, false), result('@controller', T0, true)],
      { ...options, now: T0 + 1 },
    );
    expect(grid.rows.map((row) => row.location)).toEqual(['eu-1', 'us-1', '@controller', 'ap-1']);
    expect(grid.rows[0].cells.every((cell) => cell.state === 'empty')).toBe(true);
    expect(grid.rows[3].cells[4].state).toBe('fail');
  });

  it('shortens the title of a crowded cell', () => {
    const many = Array.from({ length: 9 }, (_, i) => result('eu-1', T0 + i * 1000, true));
    const title = bucketResults(many, { ...options, now: T0 + 30_000 }).rows[0].cells[4].title.split('\n');
    expect(title).toHaveLength(1 + 6 + 1);
    expect(title.at(-1)).toBe('… and 3 more');
  });
});

describe('defaultBucketMs', () => {
  it('picks the narrowest cell that holds a run at the check interval', () => {
    expect([10, 60, 61, 300, 3600, 86_400].map((s) => bucketLabel(defaultBucketMs(s)))).toEqual(['1 min', '1 min', '5 min', '5 min', '1 h', '6 h']);
  });
});
