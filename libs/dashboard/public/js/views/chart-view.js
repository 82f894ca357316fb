// @ts-check
// Draws the latency chart (chart.js) as SVG: grid lines, axes, a polyline per location, a legend.

import { latencyChart } from '../chart.js';
import { h, s } from '../dom.js';

/** @typedef {import('../chart.js').LatencySeries} LatencySeries */

const WIDTH = 760;
const HEIGHT = 260;
const PADDING = { top: 14, right: 16, bottom: 30, left: 56 };
const SERIES_CLASSES = 8;

/**
 * @param {LatencySeries[]} series
 * @param {{ from: number, to: number, formatTime: (ms: number) => string, points?: string }} options `points`: what
 *   a point is, for the chart's description (`results`; `hours` or `days` for a rollup's percentiles)
 */
export function latencyChartView(series, { from, to, formatTime, points = 'results' }) {
  const geometry = latencyChart(series, { width: WIDTH, height: HEIGHT, padding: PADDING, from, to, formatTime });
  const { plot } = geometry;
  const measured = series.reduce((n, line) => n + line.points.filter((p) => p.latency !== null).length, 0);
  const summary = series
    .map((line) => {
      const values = line.points.map((p) => p.latency).filter((v) => v !== null);
      return values.length === 0 ? `${line.location}: no latency` : `${line.location}: ${values.length} ${points}, ${Math.min(...values)}–${Math.max(...values)} ms`;
    })
    .join('; ');
  const svg = s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Latency per location. ${summary || 'No results yet.'}` },
    geometry.yTicks.map((tick) => [
      s('line', { class: 'chart-grid', x1: plot.left, x2: plot.right, y1: tick.y, y2: tick.y }),
      s('text', { class: 'chart-label', x: plot.left - 6, y: tick.y + 4, 'text-anchor': 'end' }, tick.label),
    ]),
    geometry.xTicks.map((tick) => [
      s('line', { class: 'chart-grid', x1: tick.x, x2: tick.x, y1: plot.top, y2: plot.bottom }),
      s('text', { class: 'chart-label', x: tick.x, y: plot.bottom + 18, 'text-anchor': 'middle' }, tick.label),
    ]),
    s('line', { class: 'chart-axis', x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }),
    geometry.lines.map((line, index) => {
      const cls = `series-${index % SERIES_CLASSES}`;
      return s(
        'g',
        { class: cls, 'data-location': line.location },
        line.points ? s('polyline', { class: 'chart-line', points: line.points }) : null,
        line.dots.map((dot) => s('circle', { class: 'chart-dot', cx: dot.x, cy: dot.y, r: 3 })),
        line.failures.map((f) => s('path', { class: 'chart-failure', d: `M${f.x - 4},${f.y - 4}l8,8m0,-8l-8,8` }, s('title', {}, `${line.location}: failed`))),
      );
    }),
  );
  // Without a measured latency there is no line for a legend to explain.
  if (measured === 0) return h('figure', { class: 'chart-figure' }, h('p', { class: 'empty' }, 'No latency measured in this range yet.'));
  return h(
    'figure',
    { class: 'chart-figure' },
    svg,
    h(
      'figcaption',
      {},
      h(
        'ul',
        { class: 'legend' },
        geometry.lines.map((line, index) =>
          h('li', {}, h('span', { class: `swatch line-swatch series-${index % SERIES_CLASSES}`, 'aria-hidden': 'true' }), line.location),
        ),
        h('li', {}, h('span', { class: 'swatch failure-swatch', 'aria-hidden': 'true' }, '×'), 'failed result'),
      ),
    ),
  );
}
