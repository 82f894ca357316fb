// @ts-check
import { apiList } from '../api.js';
import { badge, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { dateTime } from '../format.js';

/**
 * @typedef {import('../../../src/api-types').Runner} Runner
 * @typedef {{ connectivity?: 'ok' | 'impaired' | null, connectivity_changed_at?: string | null }} Connectivity
 * @typedef {{ load?: 'ok' | 'behind' | null, load_concurrency?: number | null, load_changed_at?: string | null }} Load
 */

/**
 * Whether the runner kept up with what it leases on its latest request, at what concurrency,
 * and since when; `—` before a runner (or a controller) that says it.
 * @param {Runner & Load} runner
 * @param {number} now
 */
function loadCell(runner, now) {
  if (runner.load === undefined || runner.load === null) return h('span', { class: 'muted' }, '—');
  const since = runner.load_changed_at ? [' since ', timeAgo(runner.load_changed_at, now)] : [];
  const concurrency = runner.load_concurrency == null ? null : h('span', { class: 'muted small' }, ` ${runner.load_concurrency} at once`);
  return h('span', { 'data-load': runner.load }, runner.load === 'ok' ? badge('up', 'keeping up') : badge('warning', 'behind'), concurrency, since);
}

/**
 * What the runner's own canaries said on its latest request, and since when; `—` before a
 * runner (or a controller) that says it.
 * @param {Runner & Connectivity} runner
 * @param {number} now
 */
function connectivityCell(runner, now) {
  if (runner.connectivity === undefined || runner.connectivity === null) return h('span', { class: 'muted' }, '—');
  const since = runner.connectivity_changed_at ? [' since ', timeAgo(runner.connectivity_changed_at, now)] : [];
  return h(
    'span',
    { 'data-connectivity': runner.connectivity },
    runner.connectivity === 'ok' ? badge('up', 'ok') : badge('warning', 'impaired'),
    runner.connectivity === 'impaired' ? h('span', { class: 'muted small' }, ' its failing results are inconclusive') : null,
    since,
  );
}

/** @type {import('./view.js').View} */
export async function runnersView({ now }) {
  /** @type {Runner[]} */
  const runners = await apiList('/api/v1/runners');
  const active = runners.filter((r) => r.revoked_at === null);
  // The API's stale flag: the same rule as runner_offline, never a clock of the dashboard's own.
  const stale = active.filter((r) => r.stale).length;
  const impaired = active.filter((r) => /** @type {Runner & Connectivity} */ (r).connectivity === 'impaired').length;
  const content = h(
    'div',
    {},
    pageHeader('Runners', { actions: h('p', { class: 'summary' }, `${active.length} active, ${stale} stale, ${impaired} impaired, ${runners.length - active.length} revoked`) }),
    section(
      'Locations',
      table(
        'Runners',
        ['Runner', 'Name', 'State', 'Connectivity', 'Load', 'Last seen', 'Created', 'Key id'],
        runners.map((runner) => [
          h('code', {}, runner.slug),
          runner.name,
          runner.revoked_at !== null
            ? badge('paused', `revoked ${dateTime(runner.revoked_at)}`)
            : runner.stale
              ? badge('warning', runner.last_seen_at === null ? 'stale: never seen' : 'stale')
              : badge('up', 'polling'),
          connectivityCell(runner, now),
          loadCell(runner, now),
          timeAgo(runner.last_seen_at, now),
          dateTime(runner.created_at),
          h('code', { class: 'truncate', title: runner.kid }, runner.kid.slice(0, 12) + '…'),
        ]),
        { empty: 'No runners yet: the controller can still probe from @controller.', rowAttributes: (index) => ({ 'data-runner': runners[index].slug }) },
      ),
    ),
  );
  return { title: 'Runners', content };
}
