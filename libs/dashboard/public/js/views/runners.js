// @ts-check
import { apiList } from '../api.js';
import { badge, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { dateTime } from '../format.js';

/** @typedef {import('../../../src/api-types').Runner} Runner */

/** @type {import('./view.js').View} */
export async function runnersView({ now }) {
  /** @type {Runner[]} */
  const runners = await apiList('/api/v1/runners');
  const active = runners.filter((r) => r.revoked_at === null);
  const stale = active.filter((r) => r.stale).length;
  const content = h(
    'div',
    {},
    pageHeader('Runners', { actions: h('p', { class: 'summary' }, `${active.length} active, ${stale} stale, ${runners.length - active.length} revoked`) }),
    section(
      'Locations',
      table(
        'Runners',
        ['Runner', 'Name', 'State', 'Last seen', 'Created', 'Key id'],
        runners.map((runner) => [
          h('code', {}, runner.slug),
          runner.name,
          runner.revoked_at !== null
            ? badge('paused', `revoked ${dateTime(runner.revoked_at)}`)
            : runner.stale
              ? badge('warning', runner.last_seen_at === null ? 'stale: never seen' : 'stale')
              : badge('up', 'polling'),
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
