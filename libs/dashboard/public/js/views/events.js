// @ts-check
import { apiGet, apiList } from '../api.js';
import { pageHeader, section } from '../components.js';
import { h } from '../dom.js';
import { eventTable } from './event-list.js';

/**
 * @typedef {import('../../../src/api-types').SiteListItem} SiteListItem
 * @typedef {import('../../../src/api-types').Page<import('../../../src/api-types').VigilEvent>} EventPage
 */

/** @type {import('./view.js').View} */
export async function eventsView({ now }) {
  /** @type {[EventPage, EventPage, SiteListItem[]]} */
  const [open, closed, sites] = await Promise.all([
    apiGet('/api/v1/events', { state: 'open', limit: 200 }),
    apiGet('/api/v1/events', { state: 'closed', limit: 50 }),
    apiList('/api/v1/sites'),
  ]);
  const siteNames = new Map(sites.map((site) => [site.id, site.name]));
  const content = h(
    'div',
    {},
    pageHeader('Events'),
    section(`Open (${open.data.length})`, eventTable(open.data, { now, siteNames, empty: 'Nothing is open.', caption: 'Open events' }), { id: 'open-events' }),
    section('Recently closed', eventTable(closed.data, { now, siteNames, empty: 'No closed events yet.', caption: 'Closed events' })),
  );
  return { title: 'Events', content };
}
