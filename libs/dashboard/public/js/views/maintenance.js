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
 * A one-off window's end; a recurring one's rule (in words, the raw rule on hover), zone,
 * occurrence length, and its end (an open-ended series has none).
 * @param {MaintenanceWindow} window
 */
function windowEnd(window) {
  if (window.rrule === null) {
    const end = window.ends_at ?? window.starts_at;
    return [dateTime(end), h('span', { class: 'muted' }, ` (${duration(Date.parse(end) - Date.parse(window.starts_at))})`)];
  }
  const next = window.next_occurrences[0];
  return h(
    'span',
    { class: 'rule', 'data-rrule': window.rrule, title: `RRULE:${window.rrule}` },
    `repeats ${window.rule_text ?? window.rrule} (${window.timezone}), ${duration((window.duration_s ?? 0) * 1000)} each`,
    h('span', { class: 'muted' }, window.ends_at === null ? ' · no end' : next ? ` · until ${dateTime(window.ends_at)}` : ` · last ended ${dateTime(window.ends_at)}`),
  );
}

/**
 * The occurrence in effect and the next ones (at most three, as the API lists them).
 * @param {MaintenanceWindow} window
 * @param {number} now
 */
function nextOccurrences(window, now) {
  if (window.next_occurrences.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'ul',
    { class: 'occurrences' },
    window.next_occurrences.map((o) =>
      h('li', { 'data-starts-at': o.starts_at }, `${dateTime(o.starts_at)} – ${dateTime(o.ends_at)}`, Date.parse(o.starts_at) <= now ? h('span', { class: 'muted' }, ' (now)') : null),
    ),
  );
}

/**
 * In effect first, then scheduled, then ended; the API's order (latest start first) within each.
 * @param {MaintenanceWindow[]} windows
 * @param {number} now
 */
export function currentFirst(windows, now) {
  const rank = (/** @type {MaintenanceWindow} */ w) => (w.active ? 0 : isScheduled(w, now) ? 1 : 2);
  return [...windows].sort((a, b) => rank(a) - rank(b));
}

/**
 * Windows in effect or still to come (ended ones are history).
 * @param {MaintenanceWindow[]} windows
 * @param {number} now
 */
export function notEnded(windows, now) {
  return currentFirst(windows, now).filter((w) => w.active || isScheduled(w, now));
}

/**
 * @param {MaintenanceWindow[]} windows
 * @param {{ now: number, siteNames?: Map<string, string>, checks?: Array<{ id: string, name: string | null, target: string }>, empty?: string }} options
 */
export function windowTable(windows, { now, siteNames, checks = [], empty = 'No maintenance windows.' }) {
  const checkName = (/** @type {string} */ id) => {
    const check = checks.find((c) => c.id === id);
    return check ? (check.name ?? check.target) : 'one check';
  };
  return table(
    'Maintenance windows',
    ['Window', ...(siteNames ? ['Site'] : []), 'Covers', 'Starts', 'Ends', 'Next', 'Reason'],
    windows.map((window) => [
      windowState(window, now),
      ...(siteNames ? [link(paths.site(window.site_id), siteNames.get(window.site_id) ?? 'site')] : []),
      window.check_id ? link(paths.check(window.check_id), checkName(window.check_id)) : 'the whole site',
      dateTime(window.starts_at),
      windowEnd(window),
      nextOccurrences(window, now),
      window.reason ?? h('span', { class: 'muted' }, '—'),
    ]),
    { empty, rowAttributes: (index) => ({ 'data-window-id': windows[index].id }) },
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
