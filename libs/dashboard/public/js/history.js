// @ts-check
// A check's long history (24 h to 90 d) from its rollups (`GET /api/v1/checks/:id/rollups`),
// never from raw results: the window picker's choices, the query each reads, the latency
// series (p50 and p95 per location) and the uptime bars (every location merged). Pure.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * @typedef {import('../../src/api-types').CheckRollups} CheckRollups
 * @typedef {CheckRollups['combined']['buckets'][number]} RollupBucket
 * @typedef {'24h' | '7d' | '30d' | '90d'} HistoryWindowName
 * @typedef {{ name: HistoryWindowName, label: string, ms: number, granularity: 'hour' | 'day' }} HistoryWindow
 * @typedef {'up' | 'partial' | 'down' | 'unknown' | 'no_data'} BarState
 * @typedef {{ start: number, end: number, state: BarState, uptime: number | null, title: string }} UptimeBar
 */

/** The windows a user can pick: hourly rollups up to 7 days, daily ones beyond. @type {HistoryWindow[]} */
export const HISTORY_WINDOWS = [
  { name: '24h', label: '24 hours', ms: DAY, granularity: 'hour' },
  { name: '7d', label: '7 days', ms: 7 * DAY, granularity: 'hour' },
  { name: '30d', label: '30 days', ms: 30 * DAY, granularity: 'day' },
  { name: '90d', label: '90 days', ms: 90 * DAY, granularity: 'day' },
];

/**
 * The window asked for (`?window=7d`), else 24 h.
 * @param {string | null} name
 * @returns {HistoryWindow}
 */
export function historyWindow(name) {
  return HISTORY_WINDOWS.find((w) => w.name === name) ?? HISTORY_WINDOWS[0];
}

/**
 * What a window reads: its granularity, and whole buckets ending with the one holding `now`.
 * @param {HistoryWindow} window
 * @param {number} now
 */
export function historyQuery(window, now) {
  const size = window.granularity === 'hour' ? HOUR : DAY;
  const to = Math.ceil((now + 1) / size) * size;
  return { granularity: window.granularity, from: to - window.ms, to, bucketMs: size };
}

/**
 * p50 and p95 per location, one point per bucket (at its middle) with a latency.
 * @param {CheckRollups['data']} data
 * @param {number} bucketMs
 * @returns {import('./chart.js').LatencySeries[]}
 */
export function latencySeries(data, bucketMs) {
  return data.flatMap(({ location, buckets }) =>
    /** @type {const} */ (['p50', 'p95']).map((p) => ({
      location: `${location} ${p}`,
      points: buckets.filter((b) => b.latency_ms[p] !== null).map((b) => ({ t: Date.parse(b.bucket_start) + bucketMs / 2, latency: b.latency_ms[p], ok: true })),
    })),
  );
}

/**
 * @param {number | null} uptime
 */
const percent = (uptime) => (uptime === null ? 'unknown' : `${(Math.floor(uptime * 100_000) / 1000).toString()} %`);

/**
 * One bar per bucket of the window, oldest first: `up` when every conclusive result passed,
 * `down` when none did, `partial` between, `unknown` when every result was inconclusive (never
 * a verdict), `no_data` without results.
 * @param {RollupBucket[]} buckets the check's merged buckets (`combined.buckets`)
 * @param {{ from: number, to: number, bucketMs: number, formatTime: (ms: number) => string }} options
 * @returns {UptimeBar[]}
 */
export function uptimeBars(buckets, { from, to, bucketMs, formatTime }) {
  const byStart = new Map(buckets.map((b) => [Date.parse(b.bucket_start), b]));
  /** @type {UptimeBar[]} */
  const bars = [];
  for (let start = from; start < to; start += bucketMs) {
    const b = byStart.get(start);
    const heading = `${formatTime(start)}–${formatTime(start + bucketMs)}`;
    if (b === undefined || b.count === 0) {
      bars.push({ start, end: start + bucketMs, state: 'no_data', uptime: null, title: `${heading}: no results` });
      continue;
    }
    const state = b.uptime === null ? 'unknown' : b.uptime === 1 ? 'up' : b.uptime === 0 ? 'down' : 'partial';
    const counts = `${b.count} result${b.count === 1 ? '' : 's'}${b.failures > 0 ? `, ${b.failures} failed` : ''}${b.inconclusive > 0 ? `, ${b.inconclusive} inconclusive` : ''}`;
    bars.push({ start, end: start + bucketMs, state, uptime: b.uptime, title: `${heading}: uptime ${percent(b.uptime)} (${counts})` });
  }
  return bars;
}

/**
 * The window's uptime in words: `99.952 %`, `unknown`.
 * @param {number | null} uptime
 */
export function uptimeText(uptime) {
  return percent(uptime);
}
