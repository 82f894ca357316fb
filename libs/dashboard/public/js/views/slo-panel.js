// @ts-check
// The SLO panel of a site's page: its objective, what is left of the error budget, the burn rates.

import { badge, facts, section, timeAgo } from '../components.js';
import { h } from '../dom.js';

/** @typedef {import('../../../src/api-types').SiteSlo} SiteSlo */

/**
 * A ratio as a percentage with `digits` decimals; `—` when there is none.
 * @param {number | null} ratio
 * @param {number} [digits]
 */
export function percent(ratio, digits = 3) {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(digits)} %`;
}

/**
 * A burn rate as people read it: `0×`, `2.5×`, `1000×`; `—` when nothing was monitored.
 * @param {number | null} rate
 */
export function burnText(rate) {
  if (rate === null) return '—';
  return `${rate >= 100 ? Math.round(rate) : Math.round(rate * 100) / 100}×`;
}

/**
 * How full the budget bar is, 0..100 (an overspent budget is an empty bar), and its colour class.
 * @param {number | null} remaining the remaining fraction, negative when overspent
 * @returns {{ width: number, tone: 'ok' | 'warn' | 'down' }}
 */
export function budgetBar(remaining) {
  const width = remaining === null ? 0 : Math.max(0, Math.min(100, Math.round(remaining * 100)));
  return { width, tone: remaining === null || remaining > 0.5 ? 'ok' : remaining > 0 ? 'warn' : 'down' };
}

/**
 * The bar's filled part. Its width is set through the CSSOM: the dashboard's CSP refuses a
 * `style` attribute (the bar was drawn full whatever the budget left).
 * @param {ReturnType<typeof budgetBar>} bar
 */
function fill(bar) {
  const span = h('span', { class: `slo-bar-fill slo-bar-${bar.tone}` });
  span.style.width = `${bar.width}%`;
  return span;
}

/**
 * The panel, or a line saying how to set an objective when the site has none.
 * @param {SiteSlo} slo
 * @param {number} now
 */
export function sloPanel(slo, now) {
  if (slo.target_pct === null) {
    return section('SLO', h('p', { class: 'muted' }, `No objective. Availability over ${slo.window_days} days: ${percent(slo.availability)}. Set one with vigil sites update <site> --slo 99.9.`), { id: 'slo' });
  }
  const budget = slo.budget;
  const bar = budgetBar(budget?.remaining_fraction ?? null);
  const rates = slo.burn_rates ?? {};
  return section(
    'SLO',
    h(
      'div',
      {},
      facts([
        ['Objective', `${slo.target_pct} % over ${slo.window_days} days`],
        ['Availability', percent(slo.availability)],
        [
          'Error budget left',
          budget === null
            ? '—'
            : h(
                'div',
                { class: 'slo-budget' },
                h('div', { class: 'slo-bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(bar.width), 'aria-label': 'Error budget remaining' }, fill(bar)),
                ` ${percent(budget.remaining_fraction, 1)} (${budget.remaining_minutes.toFixed(1)} of ${budget.total_minutes.toFixed(1)} min)`,
              ),
        ],
        ['Burn alert', slo.alert === null ? 'none open' : h('span', {}, badge('slo_burn'), ' since ', timeAgo(slo.alert.started_at, now))],
      ]),
      h(
        'table',
        { class: 'slo-burn-rates' },
        h('caption', {}, 'Burn rates (1× spends the budget exactly over the window)'),
        h('tr', {}, Object.keys(rates).map((name) => h('th', { scope: 'col' }, name))),
        h('tr', {}, Object.values(rates).map((rate) => h('td', {}, burnText(rate)))),
      ),
    ),
    { id: 'slo' },
  );
}
