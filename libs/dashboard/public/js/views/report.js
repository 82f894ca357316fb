// @ts-check
// The report pages of a site and of a check: uptime without maintenance and unknown time,
// incidents, MTTR and MTBF, daily uptime bars, latency per location, a window picker and a
// "Download CSV" button (the API's own CSV, fetched with the session's key).

import { apiGet } from '../api.js';
import { facts, link, pageHeader, section, table } from '../components.js';
import { h, s } from '../dom.js';
import { duration } from '../format.js';
import { dailyLatencySeries, LOCATION_HEADINGS, locationRow, percent, REPORT_WINDOWS, reportFacts, reportWindow, seconds, uptimeBars } from '../report.js';
import { paths } from '../routes.js';
import { storedKey } from '../session.js';
import { latencyChartView } from './chart-view.js';

/**
 * @typedef {import('../../../src/api-types').SiteReport} SiteReport
 * @typedef {import('../../../src/api-types').CheckReport} CheckReport
 */

const BARS = { width: 760, height: 80 };

/**
 * Fetches the report as CSV with the session's key and saves it under the name the API gives.
 * @param {string} path
 * @param {{ from: string, to: string }} window
 */
async function downloadCsv(path, window) {
  const query = new URLSearchParams({ from: window.from, to: window.to, format: 'csv' });
  const response = await fetch(`${path}?${query}`, { headers: { Authorization: `Bearer ${storedKey() ?? ''}`, Accept: 'text/csv' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'vigil-report.csv';
  const url = URL.createObjectURL(await response.blob());
  const anchor = h('a', { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}

/**
 * The window picker (links to ?days=) and the CSV button.
 * @param {string} page the page's path
 * @param {number} days the window shown
 * @param {() => Promise<void>} download
 */
function toolbar(page, days, download) {
  const button = h('button', { type: 'button', class: 'button' }, 'Download CSV');
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    void download()
      .catch((error) => alert(`The CSV could not be downloaded: ${error instanceof Error ? error.message : error}`))
      .finally(() => button.removeAttribute('disabled'));
  });
  return h(
    'div',
    { class: 'report-toolbar' },
    h(
      'nav',
      { 'aria-label': 'Window' },
      REPORT_WINDOWS.map((d) => link(`${page}?days=${d}`, `${d} days`, d === days ? { 'aria-current': 'page' } : {})),
    ),
    button,
  );
}

/**
 * Daily uptime as SVG bars.
 * @param {CheckReport['days']} days
 */
function uptimeChart(days) {
  const { floor, bars } = uptimeBars(days, BARS);
  // Without a counted day the chart would be an empty box with a scale.
  if (bars.every((bar) => bar.ratio === null)) return h('p', { class: 'empty', 'data-daily-uptime': 'none' }, 'No day of this window was counted yet.');
  return h(
    'figure',
    { class: 'chart-figure' },
    s(
      'svg',
      { class: 'chart daily-uptime', viewBox: `0 0 ${BARS.width} ${BARS.height}`, role: 'img', 'aria-label': `Uptime per day, from ${percent(floor)} at the bottom to 100 % at the top` },
      bars.map((bar) =>
        s('rect', { class: bar.down ? 'bar-down' : 'bar-up', x: bar.x, y: bar.y, width: bar.width, height: bar.height }, s('title', {}, `${bar.date}: ${percent(bar.ratio)}`)),
      ),
    ),
    h('figcaption', {}, `Uptime per UTC day (bars from ${percent(floor)} to 100 %)`),
  );
}

/** @type {import('./view.js').View} */
export async function siteReportView({ params, url, now }) {
  const window = reportWindow(url, now);
  const path = `/api/v1/reports/sites/${encodeURIComponent(params.id)}`;
  /** @type {SiteReport} */
  const report = await apiGet(path, { from: window.from, to: window.to });
  const rows = report.checks.flatMap((c) => c.locations.map((l) => [link(paths.checkReport(c.check.id), c.check.name ?? c.check.target), ...locationRow(l)]));
  const content = h(
    'div',
    {},
    pageHeader(`Report: ${report.site.name}`, { crumbs: [['Sites', paths.sites()], [report.site.name, paths.site(params.id)]] }),
    toolbar(paths.siteReport(params.id), window.days, () => downloadCsv(path, window)),
    section(`The last ${window.days} days`, [facts(reportFacts(report, duration)), uptimeChart(report.days)]),
    section(
      'Checks',
      table(
        'Checks',
        ['Check', 'Uptime', 'Down', 'Excluded', 'Incidents', 'MTTR', 'MTBF'],
        report.checks.map((c) => [
          link(paths.checkReport(c.check.id), `${c.check.name ?? c.check.target}${c.check.deleted ? ' (deleted)' : ''}`),
          percent(c.availability.ratio),
          seconds(c.availability.down_s, duration),
          seconds(c.availability.excluded_s, duration),
          String(c.incidents.count),
          seconds(c.incidents.mttr_s, duration),
          seconds(c.incidents.mtbf_s, duration),
        ]),
        { empty: 'No checks in this window.' },
      ),
    ),
    section('Latency per location', table('Latency per location', ['Check', ...LOCATION_HEADINGS], rows, { empty: 'No results in this window.' })),
  );
  return { title: `Report: ${report.site.name}`, content };
}

/** @type {import('./view.js').View} */
export async function checkReportView({ params, url, now }) {
  const window = reportWindow(url, now);
  const path = `/api/v1/reports/checks/${encodeURIComponent(params.id)}`;
  /** @type {[CheckReport, { data: Parameters<typeof dailyLatencySeries>[0] }]} */
  const [report, rollups] = await Promise.all([
    apiGet(path, { from: window.from, to: window.to }),
    apiGet(`/api/v1/checks/${encodeURIComponent(params.id)}/rollups`, { granularity: 'day', from: window.from, to: window.to }),
  ]);
  const name = report.check.name ?? report.check.target;
  const content = h(
    'div',
    {},
    pageHeader(`Report: ${name}`, { crumbs: [['Sites', paths.sites()], [report.site.name, paths.siteReport(report.site.id)], [name, paths.check(params.id)]] }),
    toolbar(paths.checkReport(params.id), window.days, () => downloadCsv(path, window)),
    section(`The last ${window.days} days`, [facts(reportFacts(report, duration)), uptimeChart(report.days)]),
    section('Per location', table('Per location', LOCATION_HEADINGS, report.locations.map(locationRow), { empty: 'No results in this window.' })),
    section(
      'Latency (p95 per day)',
      latencyChartView(dailyLatencySeries(rollups.data), { from: Date.parse(window.from), to: Date.parse(window.to), formatTime: (t) => new Date(t).toISOString().slice(5, 10), points: 'days' }),
    ),
  );
  return { title: `Report: ${name}`, content };
}
