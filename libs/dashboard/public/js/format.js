// @ts-check
// Formatting shared by the views: pure functions of their arguments (and the browser's locale).

/** @typedef {import('../../src/api-types').SiteStatus} SiteStatus */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * @param {number} ms at least 0
 */
function roughly(ms) {
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h`;
  return `${Math.floor(ms / DAY)} d`;
}

/**
 * When `iso` was (or will be) from `now`, for people: `just now` (within 5 s either way),
 * `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`, `in 30 s`, `in 2 h`.
 * @param {string | null | undefined} iso
 * @param {number} now
 */
export function ago(iso, now) {
  if (!iso) return 'never';
  const elapsed = now - Date.parse(iso);
  if (Math.abs(elapsed) < 5 * SECOND) return 'just now';
  return elapsed > 0 ? `${roughly(elapsed)} ago` : `in ${roughly(-elapsed)}`;
}

/**
 * A length of time: `850 ms`, `42 s`, `5 min 3 s`, `3 h 12 min`, `2 d 4 h`.
 * @param {number} ms
 */
export function duration(ms) {
  if (ms < SECOND) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s`;
  const pair = (/** @type {number} */ big, /** @type {string} */ bigUnit, /** @type {number} */ small, /** @type {string} */ smallUnit) =>
    small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (ms < HOUR) return pair(Math.floor(ms / MINUTE), 'min', Math.floor((ms % MINUTE) / SECOND), 's');
  if (ms < DAY) return pair(Math.floor(ms / HOUR), 'h', Math.floor((ms % HOUR) / MINUTE), 'min');
  return pair(Math.floor(ms / DAY), 'd', Math.floor((ms % DAY) / HOUR), 'h');
}

/**
 * A date and time in the browser's locale, to the second.
 * @param {string | number | null | undefined} value
 */
export function dateTime(value) {
  if (value === null || value === undefined) return '—';
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * A time of day (`14:05`, or `14:05:09` with seconds), in the browser's locale.
 * @param {number} ms
 * @param {boolean} [seconds]
 */
export function clock(ms, seconds = false) {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) });
}

/** @type {Record<SiteStatus | import('../../src/api-types').EventType, string>} */
const STATUS_LABELS = {
  cert_expiring: 'Certificate expiring',
  runner_offline: 'Runner offline',
  down: 'Down',
  seems_down: 'Seems down',
  degraded: 'Degraded',
  slo_burn: 'Error budget burning',
  warning: 'Warning',
  // Unknown is what the monitor could not tell: said plainly, never mistaken for a verdict.
  unknown: 'No data',
  maintenance: 'Maintenance',
  paused: 'Paused',
  up: 'Up',
};

/**
 * A status for people: `seems_down` → `Seems down`.
 * @param {string} status
 */
export function statusLabel(status) {
  return /** @type {Record<string, string>} */ (STATUS_LABELS)[status] ?? status.replace(/_/g, ' ');
}

/**
 * An API word for people: `false_alarm` → `false alarm`.
 * @param {string | null | undefined} word
 */
export function words(word) {
  return word ? word.replace(/_/g, ' ') : '—';
}

/**
 * A latency: `42 ms`, `1.3 s`.
 * @param {number | null | undefined} ms
 */
export function latency(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
