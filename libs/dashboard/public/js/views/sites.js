// @ts-check
import { apiGet, apiList } from '../api.js';
import { badge, link, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { paths } from '../routes.js';
import { eventTable } from './event-list.js';

/**
 * @typedef {import('../../../src/api-types').SiteListItem} SiteListItem
 * @typedef {import('../../../src/api-types').VigilEvent} VigilEvent
 * @typedef {import('../../../src/api-types').Page<VigilEvent>} EventPage
 */

/**
 * SITE_STATUSES of @vigil/lifecycle, which the browser cannot import: a mirror that
 * site-order.spec.ts holds equal to it.
 * @type {readonly import('../../../src/api-types').SiteStatus[]}
 */
export const WORST_FIRST = ['down', 'seems_down', 'degraded', 'warning', 'unknown', 'maintenance', 'paused', 'up'];

/** @type {import('./view.js').View} */
export async function sitesView({ now }) {
  /** @type {[SiteListItem[], EventPage]} */
  const [sites, open] = await Promise.all([apiList('/api/v1/sites'), apiGet('/api/v1/events', { state: 'open', limit: 100 })]);
  const counts = WORST_FIRST.map((status) => /** @type {const} */ ([status, sites.filter((site) => site.status === status).length])).filter(([, n]) => n > 0);
  const siteNames = new Map(sites.map((site) => [site.id, site.name]));
  const content = h(
    'div',
    {},
    pageHeader('Sites', {
      actions: h('p', { class: 'summary', 'aria-label': 'Sites by status' }, counts.map(([status, n]) => h('span', {}, badge(status), ` ${n}`))),
    }),
    section(
      `Open events (${open.data.length})`,
      eventTable(open.data, { now, siteNames, empty: 'Nothing is down.', caption: 'Open events' }),
      { id: 'open-events' },
    ),
    section(
      'All sites',
      table(
        'Sites',
        ['Site', 'Status', 'Last checked', 'Status changed', 'Status page'],
        sites.map((site) => [
          link(paths.site(site.id), site.name, { 'data-site-id': site.id }),
          badge(site.status),
          timeAgo(site.last_checked_at, now),
          timeAgo(site.last_status_change_at, now),
          site.public_status_page ? link(paths.statusPage(site.slug), `/status/${site.slug}`, { 'data-external': 'true' }) : h('span', { class: 'muted' }, 'private'),
        ]),
        { empty: 'No sites yet: create one with the API or `npm run vigil -- sites create`.' },
      ),
      { id: 'sites' },
    ),
  );
  return { title: 'Sites', content };
}
