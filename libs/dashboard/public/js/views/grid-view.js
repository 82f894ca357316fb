// @ts-check
// Draws the location × time grid (grid.js) as a table: a row per location, a cell per bucket.

import { h } from '../dom.js';

/** @typedef {import('../grid.js').Grid} Grid */

const STATE_WORDS = { ok: 'all passed', degraded: 'passed, slow (degraded)', fail: 'failed', mixed: 'some failed', inconclusive: 'inconclusive', empty: 'no results' };
const LABEL_EVERY = 6;

/**
 * @param {Grid} grid
 * @param {{ formatTime: (ms: number) => string }} options
 */
export function gridTable(grid, { formatTime }) {
  if (grid.rows.length === 0) return h('p', { class: 'empty' }, 'This check has no locations yet.');
  const last = grid.columns.length - 1;
  return h(
    'div',
    { class: 'grid-wrap' },
    h(
      'table',
      { class: 'result-grid' },
      h('caption', { class: 'visually-hidden' }, 'Results per location over time; each cell is one time slot, newest on the right'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Location'),
          grid.columns.map((start, index) =>
            h(
              'th',
              { scope: 'col', class: 'grid-time', title: formatTime(start) },
              index === last ? 'now' : (last - index) % LABEL_EVERY === 0 ? formatTime(start) : h('span', { class: 'visually-hidden' }, formatTime(start)),
            ),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        grid.rows.map((row) =>
          h(
            'tr',
            { 'data-location': row.location },
            h('th', { scope: 'row' }, row.location),
            row.cells.map((cell) =>
              h(
                'td',
                { class: `cell cell-${cell.state}`, 'data-state': cell.state, title: cell.title },
                h('span', { class: 'visually-hidden' }, `${formatTime(cell.start)}: ${STATE_WORDS[cell.state]}`),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Cell colours' },
      Object.entries(STATE_WORDS).map(([state, text]) => h('li', {}, h('span', { class: `swatch cell-${state}`, 'aria-hidden': 'true' }), text)),
    ),
  );
}
