import {
  DEFAULT_REPORT_DAYS,
  getCheckReport,
  getSiteReport,
  MAX_REPORT_WINDOW_DAYS,
  type QueryOf,
  type ReportFormat,
  type ResponseOf,
  type SiteStatus,
} from '@vigil/contracts';
import { Prisma, type Database } from '@vigil/db';
import { HttpError } from '@vigil/http';
import {
  availability,
  type AvailabilityFigures,
  availabilityByDay,
  checkReportCsv,
  DAY_MS,
  type HistoryInput,
  type LocationFigures,
  locationFigures,
  maintenanceSpells,
  type ReportWindow,
  rollupPlan,
  siteReportCsv,
  type Spell,
} from '@vigil/reports';
import type { Request, Response } from 'express';
import { loadReportHistory, type ReportHistory } from '../history/load-history';
import type { AreaContext } from '../http/area';
import { type RollupRow, tenth, toRollup } from './check-rollups';
import { checkNotFound } from './check-store';

type ReportQueryValue = QueryOf<typeof getSiteReport>;
type SiteReportJson = ResponseOf<typeof getSiteReport>;
type CheckReportJson = ResponseOf<typeof getCheckReport>;
type CheckPartJson = SiteReportJson['checks'][number];

/** A 400 in the shape of a query the schema refuses. */
const badWindow = (field: 'from' | 'to', message: string) =>
  new HttpError(400, 'invalid_query', `query parameter ${field}: ${message}`, { problems: [{ field, message }] });

/**
 * The window a report covers: `to` defaults to now and is read as now when later (nothing after
 * now is known), `from` to `to` minus 30 days. A 400 when it is empty or longer than 400 days.
 */
export function reportWindow(query: Pick<ReportQueryValue, 'from' | 'to'>, now: number): ReportWindow {
  const to = query.to === undefined ? now : Math.min(Date.parse(query.to), now);
  const from = query.from === undefined ? to - DEFAULT_REPORT_DAYS * DAY_MS : Date.parse(query.from);
  if (from >= to) throw badWindow('from', query.to === undefined || Date.parse(query.to) > now ? 'must be before now' : 'must be before to');
  if (to - from > MAX_REPORT_WINDOW_DAYS * DAY_MS) throw badWindow('from', `a report covers at most ${MAX_REPORT_WINDOW_DAYS} days`);
  return { from, to };
}

/** `?format=` wins; else `Accept: text/csv` (preferred over JSON) asks for CSV. */
function formatOf(query: ReportQueryValue, req: Request): ReportFormat {
  if (query.format !== undefined) return query.format;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

function sendCsv(res: Response, name: string, window: ReportWindow, csv: string): void {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  res.vary('Accept');
  res.status(200).type('text/csv; charset=utf-8').attachment(`vigil-report-${name}-${day(window.from)}-${day(window.to)}.csv`).send(csv);
}

const seconds = (ms: number) => ms / 1000;
const iso = (ms: number) => new Date(ms).toISOString();

function availabilityJson(f: AvailabilityFigures) {
  return {
    availability: {
      ratio: f.uptime.ratio,
      since: f.uptime.since === null ? null : iso(f.uptime.since),
      window_s: seconds(f.windowMs),
      counted_s: seconds(f.uptime.monitoredMs),
      down_s: seconds(f.uptime.downMs),
      excluded_s: seconds(f.excludedMs),
      maintenance_s: seconds(f.uptime.maintenanceMs),
      unknown_s: seconds(f.uptime.unknownMs),
      unmonitored_s: seconds(f.unmonitoredMs),
    },
    incidents: {
      count: f.incidents.count,
      started: f.incidents.started,
      ended: f.incidents.ended,
      ongoing: f.incidents.ongoing,
      mttr_s: f.incidents.mttrMs === null ? null : seconds(f.incidents.mttrMs),
      mtbf_s: f.incidents.mtbfMs === null ? null : seconds(f.incidents.mtbfMs),
    },
  };
}

function locationJson(l: LocationFigures): CheckPartJson['locations'][number] {
  return {
    location: l.location,
    count: l.count,
    failures: l.failures,
    inconclusive: l.inconclusive,
    degraded: l.degraded,
    success_ratio: l.successRatio,
    latency_ms: {
      count: l.latency.count,
      mean: tenth(l.latency.meanMs),
      min: l.latency.minMs,
      max: l.latency.maxMs,
      p50: tenth(l.latency.p50Ms),
      p95: tenth(l.latency.p95Ms),
      p99: tenth(l.latency.p99Ms),
    },
  };
}

function daysJson(history: HistoryInput, window: ReportWindow, monitoredSince: number | null) {
  return availabilityByDay(history, window, monitoredSince).map((d) => ({
    date: iso(d.day).slice(0, 10),
    ratio: d.ratio,
    down_s: seconds(d.downMs),
    excluded_s: seconds(d.maintenanceMs + d.unknownMs),
  }));
}

/** Statuses during which nothing is measured: the current spell of one counts as unknown (as on the status page). */
const UNMEASURED: ReadonlySet<SiteStatus> = new Set(['unknown', 'paused']);

/**
 * The rollups of some checks over a window, as rollupPlan says (hourly at the edges, daily in
 * between), never raw results: range reads on the tables' primary keys, merged in SQL into one
 * row per check and location (histograms added bucket by bucket), so that a 400-day window of
 * many checks sends a few rows, not one per day (decoding 24,000 histograms took seconds).
 */
async function loadLocationFigures(db: Database, checkIds: readonly number[], window: ReportWindow): Promise<LocationFigures[]> {
  if (checkIds.length === 0) return [];
  const plan = rollupPlan(window);
  const ids = [...checkIds];
  const inRange = (r: { from: number; to: number }) => Prisma.sql`(bucket_start >= ${new Date(r.from)} AND bucket_start < ${new Date(r.to)})`;
  const hourly = plan.hourly.length === 0 ? Prisma.sql`FALSE` : Prisma.join(plan.hourly.map(inRange), ' OR ');
  const daily = plan.daily === null ? Prisma.sql`FALSE` : inRange(plan.daily);
  const columns = Prisma.sql`check_id, location, count, failures, inconclusive, degraded, latency_count, latency_sum, latency_min, latency_max, histogram`;
  const rows = await db.prisma.$queryRaw<Array<Omit<RollupRow, 'bucket_start'> & { check_id: number }>>`
    WITH r AS (
      SELECT ${columns} FROM check_rollups_hourly WHERE check_id = ANY(${ids}::int[]) AND (${hourly})
      UNION ALL
      SELECT ${columns} FROM check_rollups_days WHERE check_id = ANY(${ids}::int[]) AND (${daily})
    ), h AS (
      SELECT check_id, location, array_agg(total ORDER BY i) AS histogram
      FROM (SELECT check_id, location, u.i, sum(u.v)::int AS total FROM r, unnest(r.histogram) WITH ORDINALITY AS u(v, i) GROUP BY check_id, location, u.i) AS b
      GROUP BY check_id, location
    )
    SELECT r.check_id, r.location, sum(r.count)::int AS count, sum(r.failures)::int AS failures, sum(r.inconclusive)::int AS inconclusive,
      sum(r.degraded)::int AS degraded, sum(r.latency_count)::int AS latency_count, sum(r.latency_sum)::bigint AS latency_sum,
      min(r.latency_min) AS latency_min, max(r.latency_max) AS latency_max, h.histogram::text AS histogram
    FROM r JOIN h USING (check_id, location)
    GROUP BY r.check_id, r.location, h.histogram`;
  return locationFigures(rows.map((r) => ({ checkId: r.check_id, location: r.location, rollup: toRollup({ ...r, bucket_start: new Date(0) }) })));
}

const spellOf = (e: { startedAt: Date; endedAt: Date | null }): Spell => ({ start: e.startedAt.getTime(), end: e.endedAt?.getTime() ?? null });

interface CheckRow {
  id: number;
  uuid: string;
  name: string | null;
  type: CheckPartJson['check']['type'];
  status: SiteStatus;
  lastStatusChangeAt: Date | null;
  createdAt: Date;
  deletedAt: Date | null;
  endpoint: { target: string };
}

const CHECK_SELECT = {
  id: true,
  uuid: true,
  name: true,
  type: true,
  status: true,
  lastStatusChangeAt: true,
  createdAt: true,
  deletedAt: true,
  endpoint: { select: { target: true } },
} as const;

/**
 * One check's part of a report: its own outages and unknown spells, maintenance of the whole site
 * and its own; its current unknown or paused spell, and the time since it was deleted, as unknown.
 */
function checkPart(check: CheckRow, history: ReportHistory, window: ReportWindow, figures: readonly LocationFigures[]) {
  const mine = <T extends { checkId: number | null }>(rows: readonly T[]) => rows.filter((r) => r.checkId === check.id);
  const unmeasured = check.deletedAt ?? (UNMEASURED.has(check.status) ? (check.lastStatusChangeAt ?? check.createdAt) : null);
  const input: HistoryInput = {
    outages: mine(history.outages).map(spellOf),
    unknownSpells: mine(history.unknownSpells).map(spellOf),
    maintenance: maintenanceSpells(
      history.maintenance.filter((m) => m.checkId === null || m.checkId === check.id),
      window.from,
      window.to,
    ),
    unmeasuredSince: unmeasured?.getTime() ?? null,
  };
  const part = {
    check: { id: check.uuid, name: check.name, type: check.type, target: check.endpoint.target, deleted: check.deletedAt !== null },
    ...availabilityJson(availability(input, window, check.createdAt.getTime())),
    locations: figures.filter((f) => f.checkId === check.id).map(locationJson),
  };
  return { part, input };
}

export async function checkReport(db: Database, uuid: string, window: ReportWindow): Promise<CheckReportJson> {
  const check = await db.prisma.check.findFirst({
    where: { uuid, deletedAt: null },
    select: { ...CHECK_SELECT, endpoint: { select: { target: true, site: { select: { id: true, uuid: true, name: true, slug: true } } } } },
  });
  if (check === null) throw checkNotFound(uuid);
  const site = check.endpoint.site;
  const [history, figures] = await Promise.all([
    loadReportHistory(db, site.id, new Date(window.from), new Date(window.to)),
    loadLocationFigures(db, [check.id], window),
  ]);
  const { part, input } = checkPart(check, history, window, figures);
  return {
    from: iso(window.from),
    to: iso(window.to),
    site: { id: site.uuid, name: site.name, slug: site.slug },
    ...part,
    days: daysJson(input, window, check.createdAt.getTime()),
  };
}

/** A site's report: the site as its status page counts it (site-wide maintenance only), then each check that existed in the window. */
export async function siteReport(db: Database, uuid: string, window: ReportWindow): Promise<SiteReportJson> {
  const site = await db.prisma.site.findUnique({ where: { uuid }, select: { id: true, uuid: true, name: true, slug: true, status: true, lastStatusChangeAt: true } });
  if (site === null) throw HttpError.notFound(`No site with id ${uuid}`);
  const checks = await db.prisma.check.findMany({
    where: { endpoint: { siteId: site.id }, createdAt: { lt: new Date(window.to) }, OR: [{ deletedAt: null }, { deletedAt: { gt: new Date(window.from) } }] },
    select: CHECK_SELECT,
    orderBy: { id: 'asc' },
  });
  const [history, figures] = await Promise.all([
    loadReportHistory(db, site.id, new Date(window.from), new Date(window.to)),
    loadLocationFigures(
      db,
      checks.map((c) => c.id),
      window,
    ),
  ]);
  const monitoredSince = history.monitoredSince?.getTime() ?? null;
  const spellStart = site.lastStatusChangeAt ?? history.monitoredSince;
  const input: HistoryInput = {
    outages: history.outages.map(spellOf),
    unknownSpells: history.unknownSpells.map(spellOf),
    maintenance: maintenanceSpells(
      history.maintenance.filter((m) => m.checkId === null),
      window.from,
      window.to,
    ),
    unmeasuredSince: UNMEASURED.has(site.status) && spellStart !== null ? spellStart.getTime() : null,
  };
  return {
    from: iso(window.from),
    to: iso(window.to),
    site: { id: site.uuid, name: site.name, slug: site.slug },
    ...availabilityJson(availability(input, window, monitoredSince)),
    days: daysJson(input, window, monitoredSince),
    checks: checks.map((c) => checkPart(c, history, window, figures).part),
  };
}

/** `GET /api/v1/reports/checks/:id` and `GET /api/v1/reports/sites/:id`: JSON, or CSV on request. */
export function mountReports(ctx: AreaContext): void {
  const { db } = ctx.deps;
  ctx.route(getCheckReport, async ({ params, query, req, res }) => {
    const window = reportWindow(query, Date.now());
    const report = await checkReport(db, params.id, window);
    if (formatOf(query, req) === 'json') return report;
    sendCsv(res, `check-${report.check.id}`, window, checkReportCsv(report));
    return undefined;
  });
  ctx.route(getSiteReport, async ({ params, query, req, res }) => {
    const window = reportWindow(query, Date.now());
    const report = await siteReport(db, params.id, window);
    if (formatOf(query, req) === 'json') return report;
    sendCsv(res, report.site.slug, window, siteReportCsv(report));
    return undefined;
  });
}
