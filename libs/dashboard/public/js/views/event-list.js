// @ts-check
// A table of events, as the sites, site, check and events pages show them.

import { badge, link, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { duration, words } from '../format.js';
import { paths } from '../routes.js';

/** @typedef {import('../../../src/api-types').VigilEvent} VigilEvent */

/**
 * @param {VigilEvent[]} events
 * @param {{ now: number, siteNames?: Map<string, string>, empty?: string, caption?: string }} options
 */
export function eventTable(events, { now, siteNames, empty = 'No events.', caption = 'Events' }) {
  const headings = ['Event', ...(siteNames ? ['Site'] : []), 'What', 'Severity', 'Started', 'Duration'];
  const rows = events.map((event) => [
    link(
      paths.event(event.id),
      [badge(event.type), h('span', { class: 'event-state' }, event.state === 'open' ? 'open' : words(event.resolution_reason))],
      {
        class: 'event-link',
        'data-event-id': event.id,
        'aria-label': `${words(event.type)} event, ${event.state === 'open' ? 'open' : words(event.resolution_reason)}, started ${new Date(event.started_at).toLocaleString()}`,
      },
    ),
    ...(siteNames ? [link(paths.site(event.site_id), siteNames.get(event.site_id) ?? 'site')] : []),
    event.check_id
      ? link(paths.check(event.check_id), [event.check_type ? `${event.check_type} ` : '', event.endpoint_target ?? 'check'])
      : event.location
        ? `location ${event.location}`
        : event.type === 'slo_burn'
          ? 'error budget'
          : '—',
    badge(event.severity === 'high' ? 'down' : event.severity === 'low' ? 'unknown' : event.severity, event.severity),
    timeAgo(event.started_at, now),
    duration((event.ended_at ? Date.parse(event.ended_at) : now) - Date.parse(event.started_at)),
  ]);
  return table(caption, headings, rows, { empty });
}
