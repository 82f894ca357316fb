// @ts-check
// The location × time grid of a check's results: which results fall in which cell, and what
// each cell says. Pure, so that it is tested without a browser.

import { pingSummary } from './check-spec.js';

/**
 * @typedef {Pick<import('../../src/api-types').CheckResult, 'location' | 'ok' | 'status_code' | 'latency_ms' | 'error_code' | 'error' | 'checked_at'> & { inconclusive?: boolean, degraded?: boolean, details?: Record<string, unknown> | null }} GridResult
 * @typedef {'ok' | 'degraded' | 'fail' | 'mixed' | 'inconclusive' | 'empty'} CellState
 * @typedef {{ start: number, end: number, results: GridResult[], state: CellState, title: string }} GridCell
 * @typedef {{ location: string, cells: GridCell[] }} GridRow
 * @typedef {{ start: number, end: number, bucketMs: number, columns: number[], rows: GridRow[] }} Grid
 */

const MINUTE = 60_000;

/** The cell widths a user can pick, in ms: 1 min to 6 h. */
export const BUCKET_OPTIONS = [1, 5, 15, 60, 360].map((minutes) => minutes * MINUTE);

/**
 * The narrowest cell that holds at least one run at the check's interval.
 * @param {number} intervalS
 */
export function defaultBucketMs(intervalS) {
  return BUCKET_OPTIONS.find((ms) => ms >= intervalS * 1000) ?? BUCKET_OPTIONS[BUCKET_OPTIONS.length - 1];
}

/**
 * A bucket width for people: `1 min`, `15 min`, `1 h`, `6 h`.
 * @param {number} ms
 */
export function bucketLabel(ms) {
  return ms >= 60 * MINUTE ? `${ms / (60 * MINUTE)} h` : `${ms / MINUTE} min`;
}

/**
 * One line of a cell's title per result, newest first: `14:05:09 failed · 503 · 42 ms · unexpected_status: expected 200`.
 * @param {GridResult} result
 * @param {(ms: number) => string} formatTime
 */
export function describeResult(result, formatTime) {
  const verdict = result.ok ? (result.degraded ? 'degraded' : 'ok') : result.inconclusive ? 'inconclusive' : 'failed';
  const parts = [`${formatTime(Date.parse(result.checked_at))} ${verdict}`];
  if (result.status_code !== null) parts.push(String(result.status_code));
  if (result.latency_ms !== null) parts.push(`${result.latency_ms} ms`);
  const ping = pingSummary(result.details);
  if (ping) parts.push(ping);
  if (!result.ok && (result.error_code || result.error)) parts.push([result.error_code, result.error].filter(Boolean).join(': '));
  return parts.join(' · ');
}

/**
 * @param {GridResult[]} results
 * @returns {CellState}
 */
function stateOf(results) {
  if (results.length === 0) return 'empty';
  // An inconclusive result says nothing about the target: the cell shows what the others say.
  const conclusive = results.filter((r) => !r.inconclusive);
  if (conclusive.length === 0) return 'inconclusive';
  const failed = conclusive.filter((r) => !r.ok).length;
  // Slow but answering is its own colour: a cell with a degraded pass and no failure.
  if (failed === 0) return conclusive.some((r) => r.degraded) ? 'degraded' : 'ok';
  return failed === conclusive.length ? 'fail' : 'mixed';
}

/**
 * What a cell of counts says (rollups): the same rule as for its results.
 * @param {{ count: number, failures: number, inconclusive: number, degraded: number }} counts
 * @returns {CellState}
 */
export function stateOfCounts({ count, failures, inconclusive, degraded }) {
  if (count === 0) return 'empty';
  const conclusive = count - inconclusive;
  if (conclusive === 0) return 'inconclusive';
  if (failures === 0) return degraded > 0 ? 'degraded' : 'ok';
  return failures === conclusive ? 'fail' : 'mixed';
}

/** The cell widths read from hourly rollups rather than raw results (1 h and wider). */
export const ROLLUP_BUCKET_MS = 60 * MINUTE;

/**
 * @typedef {{ bucket_start: string, count: number, failures: number, inconclusive: number, degraded: number }} RollupCounts
 * @typedef {{ location: string, buckets: RollupCounts[] }} LocationRollups
 */

/**
 * The grid of `bucketResults` from hourly rollups (cells of 1 h or a multiple): each cell merges
 * the hours that start in it; its title gives the counts (there are no results to list).
 * @param {LocationRollups[]} rollups
 * @param {{ locations: string[], now: number, bucketMs: number, count: number, formatTime: (ms: number) => string }} options
 * @returns {Grid}
 */
export function bucketRollups(rollups, { locations, now, bucketMs, count, formatTime }) {
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - count * bucketMs;
  const columns = Array.from({ length: count }, (_, index) => start + index * bucketMs);
  const extra = [...new Set(rollups.map((r) => r.location))].filter((l) => !locations.includes(l)).sort();
  const zero = () => ({ count: 0, failures: 0, inconclusive: 0, degraded: 0 });
  /** @type {Map<string, ReturnType<typeof zero>[]>} */
  const byLocation = new Map([...locations, ...extra].map((location) => [location, columns.map(zero)]));
  for (const { location, buckets } of rollups) {
    for (const bucket of buckets) {
      const at = Date.parse(bucket.bucket_start);
      if (!(at >= start && at < end)) continue;
      const cell = byLocation.get(location)?.[Math.floor((at - start) / bucketMs)];
      if (!cell) continue;
      cell.count += bucket.count;
      cell.failures += bucket.failures;
      cell.inconclusive += bucket.inconclusive;
      cell.degraded += bucket.degraded;
    }
  }
  const rows = [...byLocation].map(([location, cells]) => ({
    location,
    cells: cells.map((c, index) => {
      const cellStart = columns[index];
      const heading = `${location} · ${formatTime(cellStart)}–${formatTime(cellStart + bucketMs)}`;
      const summary =
        c.count === 0
          ? 'no results'
          : `${c.count} result${c.count === 1 ? '' : 's'}${c.failures > 0 ? `, ${c.failures} failed` : ''}${c.degraded > 0 ? `, ${c.degraded} degraded` : ''}${c.inconclusive > 0 ? `, ${c.inconclusive} inconclusive` : ''}`;
      return { start: cellStart, end: cellStart + bucketMs, results: [], state: stateOfCounts(c), title: `${heading}: ${summary}` };
    }),
  }));
  return { start, end, bucketMs, columns, rows };
}

const MAX_TITLE_LINES = 6;

/**
 * Puts results into `count` cells of `bucketMs` per location, the last cell ending at the
 * first bucket boundary at or after `now`. A cell is `ok` when every result in it passed
 * (`degraded` when one of those passes was degraded),
 * `fail` when every one failed, `mixed` otherwise, `inconclusive` when no result in it could
 * tell, and `empty` without results; inconclusive results count neither way. Rows follow
 * `locations`, then any other location that reported (one removed from the check) by name.
 * Results outside the window are left out.
 * @param {GridResult[]} results
 * @param {{ locations: string[], now: number, bucketMs: number, count: number, formatTime: (ms: number) => string }} options
 * @returns {Grid}
 */
export function bucketResults(results, { locations, now, bucketMs, count, formatTime }) {
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - count * bucketMs;
  const columns = Array.from({ length: count }, (_, index) => start + index * bucketMs);
  const extra = [...new Set(results.map((r) => r.location))].filter((l) => !locations.includes(l)).sort();
  /** @type {Map<string, GridResult[][]>} */
  const byLocation = new Map([...locations, ...extra].map((location) => [location, columns.map(() => [])]));
  for (const result of results) {
    const at = Date.parse(result.checked_at);
    if (!(at >= start && at < end)) continue;
    byLocation.get(result.location)?.[Math.floor((at - start) / bucketMs)].push(result);
  }
  const rows = [...byLocation].map(([location, buckets]) => ({
    location,
    cells: buckets.map((bucket, index) => {
      const cellStart = columns[index];
      const newestFirst = [...bucket].sort((a, b) => Date.parse(b.checked_at) - Date.parse(a.checked_at));
      const state = stateOf(bucket);
      const failed = bucket.filter((r) => !r.ok && !r.inconclusive).length;
      const inconclusive = bucket.filter((r) => r.inconclusive).length;
      const degraded = bucket.filter((r) => r.ok && r.degraded).length;
      const heading = `${location} · ${formatTime(cellStart)}–${formatTime(cellStart + bucketMs)}`;
      const summary =
        state === 'empty' ? 'no results' : `${bucket.length} result${bucket.length === 1 ? '' : 's'}${failed > 0 ? `, ${failed} failed` : ''}${degraded > 0 ? `, ${degraded} degraded` : ''}${inconclusive > 0 ? `, ${inconclusive} inconclusive` : ''}`;
      const lines = newestFirst.slice(0, MAX_TITLE_LINES).map((r) => describeResult(r, formatTime));
      if (newestFirst.length > MAX_TITLE_LINES) lines.push(`… and ${newestFirst.length - MAX_TITLE_LINES} more`);
      return { start: cellStart, end: cellStart + bucketMs, results: newestFirst, state, title: [`${heading}: ${summary}`, ...lines].join('\n') };
    }),
  }));
  return { start, end, bucketMs, columns, rows };
}
