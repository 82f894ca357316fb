import { z } from 'zod';
import { CheckTypeSchema, IdParams, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

// Availability reports (issue 16): uptime excluding unknown and maintenance time, incidents,
// MTTR and MTBF, and latency per location, per check or per site over any window, read from
// events and rollups only (never raw results). JSON, or CSV with ?format=csv.

/** The longest window a report covers, and the window when none is given. */
export const MAX_REPORT_WINDOW_DAYS = 400;
export const DEFAULT_REPORT_DAYS = 30;
export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const ReportQuery = z.strictObject({
  from: Timestamp.optional().describe(`The window's start (default: \`to\` minus ${DEFAULT_REPORT_DAYS} days)`),
  to: Timestamp.optional().describe('The window\'s end, at most now (default: now; a later time is read as now)'),
  format: z.enum(REPORT_FORMATS).optional().describe('`csv`: one row per location (check report) or per check and location (site report); also `Accept: text/csv`'),
});

export const ReportAvailabilitySchema = z.object({
  ratio: z.number().min(0).max(1).nullable().describe('1 − down / counted: uptime over the counted time; null when nothing was counted'),
  since: Timestamp.nullable().describe('Where the monitored part of the window starts (monitoring may have begun inside it); null if none'),
  window_s: z.number().describe('The length of the window, in seconds'),
  counted_s: z.number().describe('The denominator: the monitored part of the window less maintenance and unknown time'),
  down_s: z.number().describe('Confirmed downtime outside maintenance and unknown time'),
  excluded_s: z.number().describe('Time left out of uptime: maintenance_s + unknown_s'),
  maintenance_s: z.number(),
  unknown_s: z.number().describe('Time no check could tell (unknown spells, or paused), outside maintenance'),
  unmonitored_s: z.number().describe('Time of the window before monitoring began; window_s = counted_s + excluded_s + unmonitored_s'),
});

export const ReportIncidentsSchema = z.object({
  count: z.number().int().describe('Incidents (confirmed outages; overlapping ones are one) overlapping the window'),
  started: z.number().int().describe('Of which started in the window'),
  ended: z.number().int().describe('Of which ended in the window'),
  ongoing: z.number().int().describe('Of which still going on at the end of the window'),
  mttr_s: z.number().nullable().describe('Mean time to recovery: the mean whole length of the incidents that ended in the window; null when none did'),
  mtbf_s: z.number().nullable().describe('Mean time between failures: up time in the window (counted_s − down_s) / incidents started in it; null when none started'),
});

export const ReportLocationSchema = z.object({
  location: z.string(),
  count: z.number().int().describe('Every result'),
  failures: z.number().int().describe('Conclusive failures'),
  inconclusive: z.number().int(),
  degraded: z.number().int(),
  success_ratio: z.number().nullable().describe('Successes / conclusive results; null when none was conclusive'),
  latency_ms: z.object({
    count: z.number().int(),
    mean: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    p99: z.number().nullable(),
  }),
});

export const ReportDaySchema = z.object({
  date: z.string().describe('A UTC day (YYYY-MM-DD); the first and last are cut to the window'),
  ratio: z.number().nullable(),
  down_s: z.number(),
  excluded_s: z.number(),
});

const ReportRef = z.object({ id: ResourceId, name: z.string().nullable() });
const SiteRef = z.object({ id: ResourceId, name: z.string(), slug: z.string() });

const CheckPart = {
  check: ReportRef.extend({ type: CheckTypeSchema, target: z.string(), deleted: z.boolean() }),
  availability: ReportAvailabilitySchema,
  incidents: ReportIncidentsSchema,
  locations: z.array(ReportLocationSchema).describe('Per location, merged from hourly and daily rollups'),
};

export const CheckReportSchema = z.object({
  from: Timestamp,
  to: Timestamp,
  site: SiteRef,
  ...CheckPart,
  days: z.array(ReportDaySchema).describe('Uptime per UTC day of the window, oldest first'),
});

export const SiteReportSchema = z.object({
  from: Timestamp,
  to: Timestamp,
  site: SiteRef,
  availability: ReportAvailabilitySchema,
  incidents: ReportIncidentsSchema,
  days: z.array(ReportDaySchema).describe('Uptime per UTC day of the window, oldest first'),
  checks: z.array(z.object(CheckPart)).describe('Each check that existed during the window, deleted ones included'),
});

const REPORT_DESCRIPTION =
  'Uptime over the window excluding maintenance and unknown time (and how much was excluded), incidents, MTTR and MTBF from events, and ' +
  'per-location result counts and latency percentiles merged from the rollups (hourly at the edges, daily in between). ' +
  `A window covers at most ${MAX_REPORT_WINDOW_DAYS} days (default: the last ${DEFAULT_REPORT_DAYS}). ` +
  'With `?format=csv` or `Accept: text/csv`, a CSV attachment instead.';

export const getCheckReport = defineRoute({
  method: 'get',
  path: '/api/v1/reports/checks/:id',
  operationId: 'getCheckReport',
  summary: "A check's availability report over a window",
  description: REPORT_DESCRIPTION,
  tags: ['reports'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: ReportQuery,
  success: { status: 200, description: 'The report (or CSV: one row per location)', schema: CheckReportSchema },
  errors: [404],
});

export const getSiteReport = defineRoute({
  method: 'get',
  path: '/api/v1/reports/sites/:id',
  operationId: 'getSiteReport',
  summary: "A site's availability report over a window, with each of its checks",
  description: REPORT_DESCRIPTION,
  tags: ['reports'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: ReportQuery,
  success: { status: 200, description: 'The report (or CSV: one row per check and location)', schema: SiteReportSchema },
  errors: [404],
});

export const reportsRoutes = [getCheckReport, getSiteReport] as const;
