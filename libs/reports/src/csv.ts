import type { getCheckReport, getSiteReport, ResponseOf } from '@vigil/contracts';

export type CheckReportJson = ResponseOf<typeof getCheckReport>;
export type SiteReportJson = ResponseOf<typeof getSiteReport>;
type Cell = string | number | boolean | null;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A text that a
 * spreadsheet would read as a formula (=, +, -, @, tab, CR first) is prefixed with a quote (OWASP's
 * advice against CSV injection): names come from users. Numbers are written as they are.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines joined by CRLF, the header first, with a final CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const LOCATION_HEADER = ['location', 'results', 'failures', 'inconclusive', 'degraded', 'success_ratio', 'latency_count', 'latency_mean_ms', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'latency_max_ms'];
const CHECK_HEADER = ['from', 'to', 'site', 'check_id', 'check_name', 'check_type', 'uptime', 'counted_s', 'down_s', 'excluded_s', 'maintenance_s', 'unknown_s', 'incidents', 'mttr_s', 'mtbf_s'];

type CheckPart = SiteReportJson['checks'][number];
type LocationJson = CheckPart['locations'][number];

function locationCells(l: LocationJson | undefined): Cell[] {
  if (l === undefined) return LOCATION_HEADER.map(() => null);
  const m = l.latency_ms;
  return [l.location, l.count, l.failures, l.inconclusive, l.degraded, l.success_ratio, m.count, m.mean, m.p50, m.p95, m.p99, m.max];
}

function checkCells(from: string, to: string, site: string, c: CheckPart): Cell[] {
  const a = c.availability;
  const i = c.incidents;
  return [from, to, site, c.check.id, c.check.name, c.check.type, a.ratio, a.counted_s, a.down_s, a.excluded_s, a.maintenance_s, a.unknown_s, i.count, i.mttr_s, i.mtbf_s];
}

/** Each check's rows: one per location, or one with empty location cells when it has no rollups in the window. */
function checkRows(from: string, to: string, site: string, c: CheckPart): Cell[][] {
  const locations: Array<LocationJson | undefined> = c.locations.length === 0 ? [undefined] : c.locations;
  return locations.map((l) => [...checkCells(from, to, site, c), ...locationCells(l)]);
}

/** A check report as CSV: a header line, then one row per location, each with the check's figures. */
export function checkReportCsv(report: CheckReportJson): string {
  return toCsv([...CHECK_HEADER, ...LOCATION_HEADER], checkRows(report.from, report.to, report.site.slug, report));
}

/** A site report as CSV: a header line, then one row per check and location. */
export function siteReportCsv(report: SiteReportJson): string {
  return toCsv(
    [...CHECK_HEADER, ...LOCATION_HEADER],
    report.checks.flatMap((c) => checkRows(report.from, report.to, report.site.slug, c)),
  );
}
