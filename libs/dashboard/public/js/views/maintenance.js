// @ts-check
import { apiList } from '../api.js';
import { badge, link, pageHeader, section, table } from '../components.js';
import { h } from '../dom.js';
import { dateTime, duration } from '../format.js';
import { paths } from '../routes.js';

/**
 * @typedef {import('../../../src/api-types').MaintenanceWindow} MaintenanceWindow
 * @typedef {import('../../../src/api-types').SiteListItem} SiteListItem
 */

/**
 * @param {MaintenanceWindow} window
 * @param {number} now
 */
function windowState(window, now) {
  if (window.active) return badge('maintenance', 'in effect');
  return isScheduled(window, now) ? badge('unknown', 'scheduled') : h('span', { class: 'muted' }, 'ended');
}

/**
 * Not in effect, but an occurrence is still to come (a recurring window between occurrences, too).
 * @param {MaintenanceWindow} window
 * @param {number} now
 */
function isScheduled(window, now) {
  return !window.active && window.next_occurrences.some((o) => Date.parse(o.starts_at) > now);
}

/**
 * A one-off window's end; a recurring one's rule, zone, occurrence length and next start.
 * @param {MaintenanceWindow} window
 */
function windowEnd(window) {
  if (window.rrule === null) {
    const end = window.ends_at ?? window.starts_at;
    return [dateTime(end), h('span', { class: 'muted' }, ` (${duration(Date.parse(end) - Date.parse(window.starts_at))})`)];
  }
  const next = window.next_occurrences[0];
  return [
    h('span', {}, `repeats ${window.rrule} (${window.timezone}), ${duration((window.duration_s ?? 0) * 1000)} each`),
    h('span', { class: 'muted' }, next ? ` · next ${dateTime(next.starts_at)}` : ` · last ended ${dateTime(window.ends_at)}`),
  ];
}

/**
 * @param {MaintenanceWindow[]} windows
 * @param {{ now: number, siteNames?: Map<string, string>, checks?: Array<{ id: string, name: string | null, target: string }> }} options
 */
export function windowTable(windows, { now, siteNames, checks = [] }) {
  const checkName = (/** @type {string} */ id) => {
    const check = checks.find((c) => c.id === id);
    return check ? (check.name ?? check.target) : 'one check';
  };
  return table(
    'Maintenance windows',
    ['Window', ...(siteNames ? ['Site'] : []), 'Covers', 'Starts', 'Ends', 'Reason'],
    windows.map((window) => [
      windowState(window, now),
      ...(siteNames ? [link(paths.site(window.site_id), siteNames.get(window.site_id) ?? 'site')] : []),
      window.check_id ? link(paths.check(window.check_id), checkName(window.check_id)) : 'the whole site',
      dateTime(window.starts_at),
      windowEnd(window),
      window.reason ?? h('span', { class: 'muted' }, '—'),
    ]),
    { empty: 'No maintenance windows.' },
  );
}

/** @type {import('./view.js').View} */
export async function maintenanceView({ now }) {
  /** @type {[MaintenanceWindow[], SiteListItem[]]} */
  const [windows, sites] = await Promise.all([apiList('/api/v1/maintenance-windows', {}, { maxPages: 2 }), apiList('/api/v1/sites')]);
  const siteNames = new Map(sites.map((site) => [site.id, site.name]));
  const active = windows.filter((w) => w.active);
  const upcoming = windows.filter((w) => isScheduled(w, now));
  const past = windows.filter((w) => !w.active && !isScheduled(w, now));
  const content = h(
    'div',
    {},
    pageHeader('Maintenance windows'),
    section(`In effect (${active.length})`, windowTable(active, { now, siteNames }), { id: 'active-windows' }),
    section(`Scheduled (${upcoming.length})`, windowTable(upcoming, { now, siteNames })),
    section('Ended', windowTable(past.slice(0, 50), { now, siteNames })),
  );
  return { title: 'Maintenance windows', content };
}
