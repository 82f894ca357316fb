// @ts-check
// Small pieces the views share.

import { h } from './dom.js';
import { ago, dateTime, statusLabel, words } from './format.js';

/** @typedef {import('./dom.js').Children} Children */

/**
 * A status as a badge: its word and a colour (never the colour alone).
 * @param {string} status
 * @param {string} [label]
 */
export function badge(status, label = statusLabel(status)) {
  return h('span', { class: `badge badge-${status.replace(/_/g, '-')}`, 'data-status': status }, label);
}

/**
 * A time as `3 min ago`, with the exact time on hover and for machines.
 * @param {string | null | undefined} iso
 * @param {number} now
 */
export function timeAgo(iso, now) {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  return h('time', { datetime: iso, title: dateTime(iso) }, ago(iso, now));
}

/**
 * A link that the client router follows.
 * @param {string} href
 * @param {Children} children
 * @param {Record<string, string>} [attributes]
 */
export function link(href, children, attributes = {}) {
  return h('a', { href, ...attributes }, children);
}

/**
 * A titled part of a page.
 * @param {string} title
 * @param {Children} content
 * @param {{ id?: string, actions?: Children }} [options]
 */
export function section(title, content, options = {}) {
  const headingId = options.id ? `${options.id}-title` : undefined;
  return h(
    'section',
    { class: 'panel', id: options.id, 'aria-labelledby': headingId },
    h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title), options.actions ?? null),
    content,
  );
}

/**
 * A table: column headings, then rows of cells (the first cell of a row heads it).
 * @param {string} caption for screen readers
 * @param {string[]} headings
 * @param {Children[][]} rows
 * @param {{ empty?: string, rowAttributes?: (index: number) => Record<string, string> }} [options]
 */
export function table(caption, headings, rows, options = {}) {
  if (rows.length === 0) return h('p', { class: 'empty' }, options.empty ?? 'Nothing here yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headings.map((text) => h('th', { scope: 'col' }, text)))),
      h(
        'tbody',
        {},
        rows.map((cells, index) =>
          h('tr', options.rowAttributes?.(index) ?? {}, cells.map((cell, column) => (column === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))),
        ),
      ),
    ),
  );
}

/**
 * Terms and their values.
 * @param {Array<[string, Children]>} pairs
 */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

/**
 * A page heading with what leads to it.
 * @param {string} title
 * @param {{ crumbs?: Array<[string, string]>, badge?: Children, actions?: Children }} [options]
 */
export function pageHeader(title, options = {}) {
  return h(
    'div',
    { class: 'page-head' },
    options.crumbs && options.crumbs.length > 0
      ? h(
          'nav',
          { 'aria-label': 'Breadcrumb', class: 'crumbs' },
          h('ol', {}, options.crumbs.map(([text, href]) => h('li', {}, link(href, text)))),
        )
      : null,
    h('div', { class: 'page-title' }, h('h1', {}, title), options.badge ?? null, options.actions ?? null),
  );
}

/**
 * An event's kind and state in a few words: `down · open`.
 * @param {{ type: string, state: string }} event
 */
export function eventLabel(event) {
  return `${words(event.type)} · ${event.state}`;
}

/**
 * A message in place of a page that could not be drawn.
 * @param {string} title
 * @param {string} message
 */
export function problem(title, message) {
  return h('div', { class: 'problem', role: 'alert' }, h('h1', {}, title), h('p', {}, message));
}
