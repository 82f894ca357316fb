// @ts-check
import { apiGet } from '../api.js';
import { badge, facts, link, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { dateTime, duration } from '../format.js';
import { paths } from '../routes.js';
import { eventTable } from './event-list.js';
import { currentFirst, windowTable } from './maintenance.js';
import { sloPanel } from './slo-panel.js';

/**
 * @typedef {import('../../../src/api-types').Site} Site
 * @typedef {import('../../../src/api-types').Page<import('../../../src/api-types').VigilEvent>} EventPage
 * @typedef {import('../../../src/api-types').Page<import('../../../src/api-types').MaintenanceWindow>} WindowPage
 */

/** @type {import('./view.js').View} */
export async function siteView({ params, now }) {
  /** @type {[Site, EventPage, EventPage, WindowPage, import('../../../src/api-types').SiteSlo]} */
  const [site, open, recent, windows, slo] = await Promise.all([
    apiGet(`/api/v1/sites/${encodeURIComponent(params.id)}`),
    apiGet('/api/v1/events', { site_id: params.id, state: 'open', limit: 100 }),
    apiGet('/api/v1/events', { site_id: params.id, state: 'closed', limit: 10 }),
    apiGet('/api/v1/maintenance-windows', { site_id: params.id, limit: 20 }),
    apiGet(`/api/v1/sites/${encodeURIComponent(params.id)}/slo`),
  ]);
  const checks = site.checks ?? [];
  const content = h(
    'div',
    {},
    pageHeader(site.name, { crumbs: [['Sites', paths.sites()]], badge: badge(site.status), actions: link(paths.siteReport(params.id), 'Report') }),
    section(
      'Overview',
      facts([
        ['Slug', h('code', {}, site.slug)],
        ['Last checked', timeAgo(site.last_checked_at, now)],
        ['Status since', site.last_status_change_at ? [dateTime(site.last_status_change_at), ` (${duration(now - Date.parse(site.last_status_change_at))})`] : '—'],
        ['Last alert', timeAgo(site.last_alert_sent_at, now)],
        ['Status page', site.public_status_page ? link(paths.statusPage(site.slug), `/status/${site.slug}`) : 'not public'],
      ]),
    ),
    sloPanel(slo, now),
    section(
      `Checks (${checks.length})`,
      table(
        'Checks',
        ['Check', 'Type', 'Status', 'Every', 'Enabled'],
        checks.map((check) => [
          link(paths.check(check.id), check.name ?? check.target, { 'data-check-id': check.id }),
          check.type,
          badge(check.status),
          `${check.interval_s} s`,
          check.enabled ? 'yes' : h('span', { class: 'muted' }, 'disabled'),
        ]),
        { empty: 'No checks yet.' },
      ),
      { id: 'checks' },
    ),
    section(`Open events (${open.data.length})`, eventTable(open.data, { now, empty: 'Nothing is open.', caption: 'Open events' }), { id: 'open-events' }),
    section('Recently closed events', eventTable(recent.data, { now, empty: 'None yet.', caption: 'Closed events' })),
    section('Maintenance windows', windowTable(currentFirst(windows.data, now), { now, checks }), { id: 'site-maintenance' }),
  );
  return { title: site.name, content };
}
