// @ts-check
// The report pages' pure parts: the window a page shows (its picker), the figures as text,
// the per-location rows, the daily uptime bars and the latency series for chart.js.

/**
 * @typedef {import('../../src/api-types').SiteReport} SiteReport
 * @typedef {import('../../src/api-types').CheckReport} CheckReport
 * @typedef {CheckReport['locations'][number]} ReportLocation
 * @typedef {CheckReport['days'][number]} ReportDay
 * @typedef {import('./chart.js').LatencySeries} LatencySeries
 */

/** The windows the picker offers, in days; the first page shows the default. */
export const REPORT_WINDOWS = [7, 30, 90];
export const DEFAULT_REPORT_WINDOW = 30;
const DAY = 86_400_000;

/**
 * The window a report page asks for: `?days=` among REPORT_WINDOWS (else the default), ending now.
 * @param {URL} url
 * @param {number} now
 */
export function reportWindow(url, now) {
  const asked = Number(url.searchParams.get('days'));
  const days = REPORT_WINDOWS.includes(asked) ? asked : DEFAULT_REPORT_WINDOW;
  return { days, from: new Date(now - days * DAY).toISOString(), to: new Date(now).toISOString() };
}

/**
 * Uptime to three decimals, never rounded up to 100 %.
 * @param {number | null} ratio
 */
export function percent(ratio) {
  return ratio === null ? '—' : `${(Math.floor(ratio * 100_000) / 1000).toFixed(3)} %`;
}

/**
 * Seconds as the dashboard writes lengths of time (format.js duration), or — for none. Zero is
 * `0 s`: these figures are whole seconds, and duration() writes nothing under a second as ms.
 * @param {number | null} seconds
 * @param {(ms: number) => string} duration
 */
export function seconds(seconds, duration) {
  if (seconds === null) return '—';
  return seconds === 0 ? '0 s' : duration(seconds * 1000);
}

/**
 * The facts of a report's headline: uptime, what was left out, incidents, MTTR and MTBF.
 * @param {Pick<CheckReport, 'availability' | 'incidents'>} report
 * @param {(ms: number) => string} duration
 * @returns {Array<[string, string]>}
 */
export function reportFacts({ availability: a, incidents: i }, duration) {
  return [
    ['Uptime', `${percent(a.ratio)} of ${seconds(a.counted_s, duration)} counted`],
    ['Downtime', seconds(a.down_s, duration)],
    ['Excluded', `${seconds(a.excluded_s, duration)} (maintenance ${seconds(a.maintenance_s, duration)}, unknown ${seconds(a.unknown_s, duration)})`],
    ...(a.unmonitored_s > 0 ? /** @type {Array<[string, string]>} */ ([['Not monitored yet', seconds(a.unmonitored_s, duration)]]) : []),
    ['Incidents', `${i.count} (${i.started} started, ${i.ended} ended, ${i.ongoing} ongoing)`],
    ['MTTR', seconds(i.mttr_s, duration)],
    ['MTBF', seconds(i.mtbf_s, duration)],
  ];
}

/**
 * @param {number | null} ms
 */
const ms = (ms) => (ms === null ? '—' : `${ms} ms`);

/**
 * A location's row: results, failures, inconclusive, success ratio, latency p50/p95/p99.
 * @param {ReportLocation} l
 * @returns {string[]}
 */
export function locationRow(l) {
  return [l.location, String(l.count), String(l.failures), String(l.inconclusive), percent(l.success_ratio), ms(l.latency_ms.p50), ms(l.latency_ms.p95), ms(l.latency_ms.p99)];
}

export const LOCATION_HEADINGS = ['Location', 'Results', 'Failures', 'Inconclusive', 'Success', 'p50', 'p95', 'p99'];

/**
 * One bar per day, as tall as its uptime over a floor (so that 99.9 % and 100 % differ): the
 * lowest uptime of the window, at most 99 %, rounded down to a whole percent. A day with nothing
 * counted has no bar.
 * @param {ReportDay[]} days
 * @param {{ width: number, height: number }} size
 */
export function uptimeBars(days, { width, height }) {
  const ratios = days.map((d) => d.ratio).filter((r) => r !== null);
  const floor = Math.min(0.99, Math.floor(Math.min(1, ...ratios) * 100) / 100);
  const step = width / Math.max(1, days.length);
  const bars = days.map((d, index) => {
    const x = Math.round(index * step * 10) / 10;
    if (d.ratio === null) return { date: d.date, x, y: height, width: Math.max(1, step - 1), height: 0, ratio: null, down: false };
    const barHeight = Math.round(((d.ratio - floor) / (1 - floor)) * (height - 2) * 10) / 10 + 2;
    return { date: d.date, x, y: Math.round((height - barHeight) * 10) / 10, width: Math.max(1, step - 1), height: barHeight, ratio: d.ratio, down: d.down_s > 0 };
  });
  return { floor, bars };
}

/**
 * Daily p95 latency per location from a check's daily rollups (GET /checks/:id/rollups?granularity=day),
 * as chart.js series; a day with failures is marked failed.
 * @param {Array<{ location: string, buckets: Array<{ bucket_start: string, failures: number, latency_ms: { p95: number | null } }> }>} data
 * @returns {LatencySeries[]}
 */
export function dailyLatencySeries(data) {
  return data.map((l) => ({
    location: l.location,
    points: l.buckets.map((b) => ({ t: Date.parse(b.bucket_start), latency: b.latency_ms.p95, ok: b.failures === 0 })),
  }));
}
