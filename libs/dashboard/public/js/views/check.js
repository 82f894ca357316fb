// @ts-check
import { apiGet, apiList } from '../api.js';
import { pingRow, specFacts } from '../check-spec.js';
import { badge, facts, link, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { clock, latency } from '../format.js';
import { BUCKET_OPTIONS, bucketLabel, bucketResults, bucketRollups, defaultBucketMs, ROLLUP_BUCKET_MS } from '../grid.js';
import { HISTORY_WINDOWS, historyQuery, historyWindow, latencySeries, uptimeBars, uptimeText } from '../history.js';
import { paths } from '../routes.js';
import { locationStaleness, shownCheckStatus } from '../staleness.js';
import { latencyChartView } from './chart-view.js';
import { eventTable } from './event-list.js';
import { gridTable } from './grid-view.js';
import { notEnded, windowTable } from './maintenance.js';

/**
 * @typedef {import('../../../src/api-types').Check} Check
 * @typedef {import('../../../src/api-types').Site} Site
 * @typedef {import('../../../src/api-types').CheckLocation} CheckLocation
 * @typedef {import('../../../src/api-types').CheckResult} CheckResult
 * @typedef {import('../../../src/api-types').Runner} Runner
 * @typedef {import('../../../src/api-types').Page<import('../../../src/api-types').VigilEvent>} EventPage
 * @typedef {import('../../../src/api-types').MaintenanceWindow} MaintenanceWindow
 * @typedef {import('../../../src/api-types').CheckRollups} CheckRollups
 */

/** Time slots in the grid (and the chart's time range). */
export const GRID_COLUMNS = 30;

/**
 * The bucket width asked for in the URL (`?bucket=<ms>`), if it is one of the options.
 * @param {URL} url
 * @param {number} intervalS
 */
function chosenBucket(url, intervalS) {
  const asked = Number(url.searchParams.get('bucket'));
  return BUCKET_OPTIONS.includes(asked) ? asked : defaultBucketMs(intervalS);
}

/**
 * @param {number} bucketMs
 * @param {(ms: number) => void} choose
 */
function bucketPicker(bucketMs, choose) {
  return h(
    'label',
    { class: 'inline-field' },
    'Each cell: ',
    h(
      'select',
      { id: 'bucket', onchange: (/** @type {Event} */ event) => choose(Number(/** @type {HTMLSelectElement} */ (event.target).value)) },
      BUCKET_OPTIONS.map((ms) => h('option', { value: ms, selected: ms === bucketMs }, bucketLabel(ms))),
    ),
  );
}

/**
 * @param {import('../history.js').HistoryWindow} window
 * @param {(name: string) => void} choose
 */
function windowPicker(window, choose) {
  return h(
    'label',
    { class: 'inline-field' },
    'Over: ',
    h(
      'select',
      { id: 'history-window', onchange: (/** @type {Event} */ event) => choose(/** @type {HTMLSelectElement} */ (event.target).value) },
      HISTORY_WINDOWS.map((w) => h('option', { value: w.name, selected: w.name === window.name }, w.label)),
    ),
  );
}

/** Beyond this many bars they are drawn touching (`dense`). */
const DENSE_BARS = 100;

/**
 * The uptime bars of a window, every location merged.
 * @param {import('../history.js').UptimeBar[]} bars
 * @param {string} label
 */
function uptimeBarsView(bars, label) {
  return h(
    'ol',
    // 7 days of hours are 168 bars: too many for a phone with a gap and a minimum width each.
    { class: bars.length > DENSE_BARS ? 'uptime-bars dense' : 'uptime-bars', 'aria-label': label },
    bars.map((bar) => h('li', { class: `bar bar-${bar.state}`, 'data-state': bar.state, title: bar.title }, h('span', { class: 'visually-hidden' }, bar.title))),
  );
}

/** @type {import('./view.js').View} */
export async function checkView({ params, url, now, navigate }) {
  const id = encodeURIComponent(params.id);
  /** @type {Check} */
  const check = await apiGet(`/api/v1/checks/${id}`);
  const bucketMs = chosenBucket(url, check.interval_s);
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const from = end - GRID_COLUMNS * bucketMs;
  // Raw results for the recent detail (cells up to 15 min: 7.5 h); wider cells read hourly rollups.
  const fromRollups = bucketMs >= ROLLUP_BUCKET_MS;
  const history = historyWindow(url.searchParams.get('window'));
  const historyRange = historyQuery(history, now);
  const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
  /** @type {[Site, CheckLocation[], CheckResult[], CheckRollups | null, CheckRollups, EventPage, Runner[], MaintenanceWindow[]]} */
  const [site, states, results, gridRollups, rollups, events, runners, siteWindows] = await Promise.all([
    apiGet(`/api/v1/sites/${encodeURIComponent(check.site_id)}`),
    apiGet(`/api/v1/checks/${id}/locations`).then((answer) => answer.data),
    fromRollups ? Promise.resolve([]) : apiList(`/api/v1/checks/${id}/results`, { since: iso(from) }, { maxPages: 6 }),
    fromRollups ? apiGet(`/api/v1/checks/${id}/rollups`, { granularity: 'hour', from: iso(from), to: iso(end) }) : Promise.resolve(null),
    apiGet(`/api/v1/checks/${id}/rollups`, { granularity: historyRange.granularity, from: iso(historyRange.from), to: iso(historyRange.to) }),
    apiGet('/api/v1/events', { check_id: check.id, limit: 20 }),
    apiList('/api/v1/runners'),
    // The site's windows: those of the whole site apply to this check as much as its own.
    apiList('/api/v1/maintenance-windows', { site_id: check.site_id }, { maxPages: 2 }),
  ]);
  // A heartbeat's last pings: what its job said, and how long its runs took.
  const pings = check.type === 'heartbeat' ? (await apiGet(`/api/v1/checks/${id}/pings`, { limit: 10 })).data : [];
  const windows = notEnded(
    siteWindows.filter((w) => w.check_id === null || w.check_id === check.id),
    now,
  );

  const locations = [...new Set([...check.effective_locations, ...states.map((s) => s.location)])];
  const staleness = new Map(
    locations.map((location) => [location, locationStaleness({ location, state: states.find((s) => s.location === location), runners })]),
  );
  const freshCount = states.filter((s) => s.fresh).length;
  const shownStatus = shownCheckStatus(check.status, states);
  const formatTime = (/** @type {number} */ ms) => clock(ms);
  const gridOptions = { locations, now, bucketMs, count: GRID_COLUMNS, formatTime: (/** @type {number} */ ms) => clock(ms, true) };
  const grid = gridRollups ? bucketRollups(gridRollups.data, gridOptions) : bucketResults(results, gridOptions);
  const series = grid.rows.map((row) => ({
    location: row.location,
    points: gridRollups
      ? // Each hour's median at its middle; an hour with a failure is marked.
        (gridRollups.data.find((d) => d.location === row.location)?.buckets ?? []).map((b) => ({
          t: Date.parse(b.bucket_start) + ROLLUP_BUCKET_MS / 2,
          latency: b.latency_ms.p50,
          ok: b.failures === 0,
        }))
      : results.filter((r) => r.location === row.location).map((r) => ({ t: Date.parse(r.checked_at), latency: r.latency_ms, ok: r.ok })),
  }));
  const dayFormat = (/** @type {number} */ ms) => new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const historyFormat = history.ms > 2 * 86_400_000 ? dayFormat : formatTime;
  const bars = uptimeBars(rollups.combined.buckets, { ...historyRange, formatTime: history.granularity === 'day' ? dayFormat : (ms) => `${dayFormat(ms)} ${clock(ms)}` });
  const open = events.data.filter((e) => e.state === 'open');
  const title = check.name ?? check.target;
  const choose = (/** @type {number} */ ms) => {
    const next = new URL(url);
    next.searchParams.set('bucket', String(ms));
    navigate(`${next.pathname}${next.search}`, { replace: true });
  };
  const chooseWindow = (/** @type {string} */ name) => {
    const next = new URL(url);
    next.searchParams.set('window', name);
    navigate(`${next.pathname}${next.search}`, { replace: true });
  };

  const content = h(
    'div',
    {},
    pageHeader(title, {
      crumbs: [
        ['Sites', paths.sites()],
        [site.name, paths.site(site.id)],
      ],
      badge: badge(shownStatus),
      actions: link(paths.checkReport(params.id), 'Report'),
    }),
    section(
      'Check',
      facts([
        ['Target', h('code', {}, check.target)],
        ['Type', check.type],
        ...specFacts(check),
        ['Every', `${check.interval_s} s${check.down_interval_s ? ` (${check.down_interval_s} s while down)` : ''}, timeout ${check.timeout_ms} ms`],
        ...(check.degraded_latency_ms === null ? [] : [/** @type {[string, string]} */ (['Degraded when', `a run takes more than ${check.degraded_latency_ms} ms`])]),
        [
          'Down when',
          `${check.failing_locations_threshold} of ${locations.length} location${locations.length === 1 ? '' : 's'} fail ${check.failing_threshold} time${check.failing_threshold === 1 ? '' : 's'} in a row`,
        ],
        ['Last checked', timeAgo(check.last_checked_at, now)],
        [
          'Fresh locations',
          h(
            'span',
            { 'data-fresh-count': String(freshCount) },
            `${freshCount} of ${locations.length}`,
            shownStatus === 'unknown' ? h('span', { class: 'muted small' }, ' — too few recent, conclusive results to tell up from down') : null,
          ),
        ],
        ['Enabled', check.enabled ? 'yes' : 'no'],
        [
          'Prometheus metrics',
          h(
            'span',
            { 'data-export-metrics': String(check.export_metrics) },
            check.export_metrics
              ? ['exported ', h('span', { class: 'muted small' }, "(its up, unknown and latency series per location on the controller's /metrics)")]
              : ['not exported ', h('span', { class: 'muted small' }, '(opt in with export_metrics: true)')],
          ),
        ],
      ]),
    ),
    section(`Open events (${open.length})`, eventTable(open, { now, empty: 'Nothing is open for this check.', caption: 'Open events' }), {
      id: 'open-events',
    }),
    section(
      `Maintenance (${windows.length})`,
      windowTable(windows, { now, checks: [check], empty: 'No maintenance in effect or scheduled for this check or its site.' }),
      { id: 'check-maintenance' },
    ),
    section('Results by location', gridTable(grid, { formatTime }), { id: 'grid', actions: bucketPicker(bucketMs, choose) }),
    section('Latency', latencyChartView(series, { from, to: end, formatTime, points: gridRollups ? 'hours' : 'results' }), { id: 'latency' }),
    section(
      `History over ${history.label}`,
      h(
        'div',
        {},
        h(
          'p',
          { 'data-uptime': String(rollups.combined.total.uptime) },
          'Uptime ',
          h('strong', {}, uptimeText(rollups.combined.total.uptime)),
          h('span', { class: 'muted small' }, ` — ${rollups.combined.total.count} results, by ${history.granularity} (rollups; inconclusive results count neither way)`),
        ),
        uptimeBarsView(bars, `Uptime per ${history.granularity}, oldest first`),
        latencyChartView(latencySeries(rollups.data, historyRange.bucketMs), { from: historyRange.from, to: historyRange.to, formatTime: historyFormat, points: `${history.granularity}s` }),
      ),
      { id: 'history', actions: windowPicker(history, chooseWindow) },
    ),
    section(
      'Strikes by location',
      table(
        'Strikes by location',
        ['Location', 'State', 'Failing strikes', 'Passing strikes', 'Last result', 'Latency', 'Next due'],
        locations.map((location) => {
          const state = states.find((s) => s.location === location);
          const stale = staleness.get(location);
          const last = state?.last_result ?? null;
          return [
            location,
            h(
              'span',
              { class: 'badges' },
              // A stale location is never called passing: it counts neither way until it reports again.
              state === undefined
                ? [badge('unknown', 'no state yet'), ' ']
                : state.failing
                  ? [badge('down', 'failing'), ' ']
                  : stale?.stale
                    ? null
                    : [badge('up', 'passing'), ' '],
              stale?.stale ? badge('warning', 'stale') : badge('up', 'fresh'),
              stale?.reason ? h('span', { class: 'muted small' }, ` ${stale.reason}`) : null,
            ),
            state ? `${state.failing_strikes} / ${check.failing_threshold}` : '—',
            state ? `${state.passing_strikes} / ${check.passing_threshold}` : '—',
            last
              ? [
                  timeAgo(last.checked_at, now),
                  ' ',
                  last.ok && last.degraded
                    ? badge('degraded', 'degraded')
                    : last.ok
                    ? h('span', { class: 'ok-text' }, 'ok')
                    : last.inconclusive
                      ? h('span', { class: 'muted' }, `inconclusive${last.error_code ? `: ${last.error_code}` : ''}`)
                      : h('span', { class: 'fail-text' }, `failed${last.error_code ? `: ${last.error_code}` : ''}`),
                ]
              : h('span', { class: 'muted' }, 'none yet'),
            latency(last?.latency_ms),
            state ? (state.leased ? 'running now' : timeAgo(state.next_due_at, now)) : '—',
          ];
        }),
        { empty: 'No locations.', rowAttributes: (index) => ({ 'data-location': locations[index] }) },
      ),
      { id: 'strikes' },
    ),
    check.type === 'heartbeat'
      ? section(
          'Last pings',
          table(
            'Last pings',
            ['Ping', 'Received', 'Run took', 'Body (its end)'],
            pings.map((/** @type {Parameters<typeof pingRow>[0]} */ ping) => {
              const [said, received, duration, body] = pingRow(ping);
              return [said, timeAgo(received, now), duration, body ? h('code', {}, body) : ''];
            }),
            { empty: 'No ping yet: the job has not reported.' },
          ),
          { id: 'pings' },
        )
      : null,
    section('Recent events', eventTable(events.data, { now, empty: 'No events yet.', caption: 'Recent events' })),
  );
  return { title, content };
}
