// @ts-check
// The geometry of the latency chart: scales, ticks and one polyline per location. Pure (no
// DOM), so it is tested without a browser; chart-view.js draws what it returns as SVG.

/**
 * @typedef {{ t: number, latency: number | null, ok: boolean }} LatencyPoint
 * @typedef {{ location: string, points: LatencyPoint[] }} LatencySeries
 * @typedef {{ top: number, right: number, bottom: number, left: number }} Padding
 * @typedef {{ width: number, height: number, padding: Padding, from: number, to: number, formatTime: (ms: number) => string }} ChartOptions
 * @typedef {{ x: number, y: number }} XY
 * @typedef {{ location: string, points: string, dots: XY[], failures: XY[] }} ChartLine
 * @typedef {{ value: number, y: number, label: string }} YTick
 * @typedef {{ t: number, x: number, label: string }} XTick
 * @typedef {{ plot: { left: number, top: number, right: number, bottom: number }, yMax: number, yTicks: YTick[], xTicks: XTick[], lines: ChartLine[] }} ChartGeometry
 */

/**
 * The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1).
 * @param {number} value
 */
export function niceCeil(value) {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

const MINUTE = 60_000;
// Up to 14 days, so that 90 days of daily rollups still get a few ticks.
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160].map((m) => m * MINUTE);

/**
 * The narrowest step of TIME_STEPS that puts at most `maxTicks` ticks in `span`.
 * @param {number} span
 * @param {number} maxTicks
 */
export function timeStep(span, maxTicks) {
  return TIME_STEPS.find((step) => span / step <= maxTicks) ?? TIME_STEPS[TIME_STEPS.length - 1];
}

/**
 * @param {number} value
 */
const round1 = (value) => Math.round(value * 10) / 10;

/**
 * Lays out latency over time: x from `from` to `to`, y from 0 to a round maximum above the
 * highest latency (at least 10 ms). Each location gets a polyline through its results with a
 * latency, oldest first; a single result is a dot. Failed results are also marked: at their
 * latency, or on the top edge when they have none (refused, timed out). Results outside the
 * time range are left out.
 * @param {LatencySeries[]} series
 * @param {ChartOptions} options
 * @returns {ChartGeometry}
 */
export function latencyChart(series, { width, height, padding, from, to, formatTime }) {
  const plot = { left: padding.left, top: padding.top, right: width - padding.right, bottom: height - padding.bottom };
  const inRange = series.map((s) => ({ location: s.location, points: s.points.filter((p) => p.t >= from && p.t <= to).sort((a, b) => a.t - b.t) }));
  const highest = Math.max(0, ...inRange.flatMap((s) => s.points.map((p) => p.latency ?? 0)));
  const yMax = niceCeil(Math.max(10, highest));
  const x = (/** @type {number} */ t) => round1(plot.left + ((t - from) / Math.max(1, to - from)) * (plot.right - plot.left));
  const y = (/** @type {number} */ v) => round1(plot.bottom - (v / yMax) * (plot.bottom - plot.top));

  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const value = f * yMax;
    return { value, y: y(value), label: value >= 1000 ? `${value / 1000} s` : `${value} ms` };
  });
  const step = timeStep(to - from, 6);
  /** @type {XTick[]} */
  const xTicks = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) xTicks.push({ t, x: x(t), label: formatTime(t) });

  const lines = inRange.map(({ location, points }) => {
    const measured = points.filter((p) => p.latency !== null).map((p) => ({ x: x(p.t), y: y(/** @type {number} */ (p.latency)) }));
    return {
      location,
      points: measured.map((p) => `${p.x},${p.y}`).join(' '),
      dots: measured.length === 1 ? measured : [],
      failures: points.filter((p) => !p.ok).map((p) => ({ x: x(p.t), y: p.latency === null ? plot.top : y(p.latency) })),
    };
  });
  return { plot, yMax, yTicks, xTicks, lines };
}
