import { getCheckReport, getSiteReport, type ResponseOf } from '@vigil/contracts';
import { checkReportCsv, siteReportCsv } from '@vigil/reports';
import { type Command, type CommandContext, stringFlag, UsageError } from '../context';
import { formatTable } from '../table';
import { idArgument } from './flags';
import { siteId } from './sites';

type CheckReport = ResponseOf<typeof getCheckReport>;
type SiteReport = ResponseOf<typeof getSiteReport>;
type CheckPart = SiteReport['checks'][number];

export const REPORT_FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof REPORT_FORMATS)[number];

const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

const WINDOW_FLAGS = {
  from: { type: 'string', value: 'TIME', description: 'Start of the window: an ISO time or a UTC date (2026-11-01); default: 30 days before --to' },
  to: { type: 'string', value: 'TIME', description: 'End of the window (default: now)' },
  last: { type: 'string', value: 'N[h|d|w]', description: 'The window ending now, e.g. 30d, 12h, 2w (instead of --from/--to)' },
  format: { type: 'string', value: 'FORMAT', description: 'table (default), json or csv (one row per location)' },
} as const;

/** `2026-11-01` → midnight UTC; an ISO time as it is (the API checks it). */
function timeFlag(ctx: CommandContext, name: 'from' | 'to'): string | undefined {
  const value = stringFlag(ctx.flags, name);
  if (value === undefined) return undefined;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
}

/** The window's query: --last, or --from and --to; the API fills in the defaults and bounds it. */
export function windowQuery(ctx: CommandContext, now: number): { from?: string; to?: string } {
  const last = stringFlag(ctx.flags, 'last');
  const from = timeFlag(ctx, 'from');
  const to = timeFlag(ctx, 'to');
  if (last === undefined) return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  if (from !== undefined || to !== undefined) throw new UsageError('--last cannot be combined with --from or --to');
  const match = /^(\d+)([hdw])$/.exec(last);
  if (match === null || Number(match[1]) < 1) throw new UsageError(`--last must be a number of hours, days or weeks, e.g. 30d, 12h, 2w (got "${last}")`);
  return { from: new Date(now - Number(match[1]) * UNITS[match[2]]).toISOString(), to: new Date(now).toISOString() };
}

function formatOf(ctx: CommandContext): Format {
  const format = stringFlag(ctx.flags, 'format');
  if (format === undefined) return ctx.json ? 'json' : 'table';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')} (got "${format}")`);
  return format as Format;
}

/** 90 s, 45 min, 5.5 h, 12.3 d. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

/** Uptime to three decimals: 99.954 %. */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? '-' : `${(Math.floor(ratio * 100_000) / 1000).toFixed(3)} %`;
}

const ms = (value: number | null) => (value === null ? '-' : `${value} ms`);

function summary(part: Pick<CheckPart, 'availability' | 'incidents'>): string[] {
  const a = part.availability;
  const i = part.incidents;
  return [
    `Uptime     ${formatRatio(a.ratio)} over ${formatDuration(a.counted_s)} counted; down ${formatDuration(a.down_s)}`,
    `Excluded   ${formatDuration(a.excluded_s)} (maintenance ${formatDuration(a.maintenance_s)}, unknown ${formatDuration(a.unknown_s)})` +
      (a.unmonitored_s > 0 ? `; not monitored yet ${formatDuration(a.unmonitored_s)}` : ''),
    `Incidents  ${i.count} (${i.started} started, ${i.ended} ended, ${i.ongoing} ongoing); MTTR ${formatDuration(i.mttr_s)}; MTBF ${formatDuration(i.mtbf_s)}`,
  ];
}

const LOCATION_HEADERS = ['location', 'results', 'failures', 'inconclusive', 'success', 'p50', 'p95', 'p99'];
const locationCells = (l: CheckPart['locations'][number]) => [
  l.location,
  String(l.count),
  String(l.failures),
  String(l.inconclusive),
  formatRatio(l.success_ratio),
  ms(l.latency_ms.p50),
  ms(l.latency_ms.p95),
  ms(l.latency_ms.p99),
];

const checkName = (c: CheckPart['check']) => `${c.name ?? c.type}${c.deleted ? ' (deleted)' : ''}`;

function printCheck(ctx: CommandContext, report: CheckReport): void {
  ctx.print(
    [
      `Check ${checkName(report.check)} (${report.check.type} ${report.check.target}) of site ${report.site.slug}, ${report.from} to ${report.to}`,
      ...summary(report),
      '',
      report.locations.length === 0 ? 'No results in this window.' : formatTable(LOCATION_HEADERS, report.locations.map(locationCells)),
    ].join('\n'),
  );
}

function printSite(ctx: CommandContext, report: SiteReport): void {
  const checks = formatTable(
    ['check', 'id', 'uptime', 'down', 'excluded', 'incidents', 'mttr', 'mtbf'],
    report.checks.map((c) => [
      checkName(c.check),
      c.check.id,
      formatRatio(c.availability.ratio),
      formatDuration(c.availability.down_s),
      formatDuration(c.availability.excluded_s),
      String(c.incidents.count),
      formatDuration(c.incidents.mttr_s),
      formatDuration(c.incidents.mtbf_s),
    ]),
  );
  const locations = report.checks.flatMap((c) => c.locations.map((l) => [checkName(c.check), ...locationCells(l)]));
  ctx.print(
    [
      `Site ${report.site.slug} (${report.site.name}), ${report.from} to ${report.to}`,
      ...summary(report),
      '',
      report.checks.length === 0 ? 'No checks in this window.' : checks,
      ...(locations.length === 0 ? [] : ['', formatTable(['check', ...LOCATION_HEADERS], locations)]),
    ].join('\n'),
  );
}

export const reportSite: Command = {
  name: 'report site',
  summary: "A site's availability report: uptime without maintenance and unknown time, incidents, MTTR, MTBF, latency",
  description: 'Over the last 30 days unless --from/--to or --last say otherwise (at most 400 days). --format csv: one row per check and location.',
  args: [{ name: 'site', description: "The site's slug (or its id)" }],
  flags: WINDOW_FLAGS,
  api: true,
  async run(ctx) {
    const format = formatOf(ctx);
    const query = windowQuery(ctx, Date.now());
    const api = ctx.api();
    const report = await api.request(getSiteReport, { params: { id: await siteId(api, ctx.args['site']) }, query });
    if (format === 'json') return ctx.printJson(report);
    if (format === 'csv') return void ctx.io.stdout.write(siteReportCsv(report));
    printSite(ctx, report);
  },
};

export const reportCheck: Command = {
  name: 'report check',
  summary: "A check's availability report, with results and latency per location",
  description: 'Over the last 30 days unless --from/--to or --last say otherwise (at most 400 days). --format csv: one row per location.',
  args: [{ name: 'id', description: "The check's id" }],
  flags: WINDOW_FLAGS,
  api: true,
  async run(ctx) {
    const format = formatOf(ctx);
    const query = windowQuery(ctx, Date.now());
    const report = await ctx.api().request(getCheckReport, { params: { id: idArgument(ctx, 'a check') }, query });
    if (format === 'json') return ctx.printJson(report);
    if (format === 'csv') return void ctx.io.stdout.write(checkReportCsv(report));
    printCheck(ctx, report);
  },
};
