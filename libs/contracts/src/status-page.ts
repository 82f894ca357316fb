import { z } from 'zod';
import { CheckTypeSchema, Slug, Timestamp } from './common';
import { EVENT_RESOLUTION_REASONS, EVENT_SEVERITIES } from './events';
import { defineRoute } from './route';
import { SiteStatusSchema } from './sites';

/** The windows a status page reports uptime over. */
export const UPTIME_WINDOWS = ['24h', '7d', '90d'] as const;
export type UptimeWindowName = (typeof UPTIME_WINDOWS)[number];

/** The days of the status page's bar strip, the last one being today (UTC). */
export const STATUS_PAGE_DAYS = 90;
/** The most incidents and maintenance windows a status page lists. */
export const STATUS_PAGE_MAX_INCIDENTS = 50;
/** How far ahead a status page announces maintenance, in days, and at most how many occurrences. */
export const STATUS_PAGE_UPCOMING_DAYS = 7;
export const STATUS_PAGE_MAX_UPCOMING = 20;
/** The most checks whose measured uptime and response time a status page shows (oldest first). */
export const STATUS_PAGE_MAX_CHECKS = 20;
/** The windows of a check's measured figures on a status page, in days (read from daily rollups). */
export const STATUS_CHECK_WINDOWS = ['30d', '90d'] as const;

export const UptimeFiguresSchema = z.object({
  ratio: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('1 − down / monitored, over the monitored part of the window; null when none of it was monitored'),
  since: Timestamp.nullable().describe(
    "Where the monitored part of the window starts: the window's start, or the site's first check if that is later; null if none",
  ),
  down_s: z.number().describe('Confirmed downtime in the window, in seconds (outside maintenance)'),
  monitored_s: z.number().describe('The denominator, in seconds: the monitored part of the window less maintenance and unknown periods'),
  maintenance_s: z.number().describe('Maintenance in the monitored part of the window, in seconds'),
  unknown_s: z.number().describe('Time the monitor could not tell (outside maintenance), in seconds: never downtime'),
});

export const DAY_STATES = ['down', 'maintenance', 'up', 'no_data'] as const;

export const StatusDaySchema = z.object({
  date: z.iso.date().describe('The UTC day'),
  state: z.enum(DAY_STATES).describe('Its worst: any confirmed downtime, else any maintenance, else up; no_data when nothing was monitored (before the first check, or unknown all day)'),
  ratio: z.number().min(0).max(1).nullable(),
  down_s: z.number(),
  unknown_s: z.number().describe('Time the monitor could not tell that day, in seconds: left out of its ratio'),
});

const Percentiles = z.object({
  p50: z.number().nullable().describe('Median response time in ms (within 4.5 %); null without a measured success'),
  p95: z.number().nullable(),
});

export const StatusCheckSchema = z.object({
  name: z.string().nullable(),
  type: CheckTypeSchema,
  uptime: z
    .object({ '30d': z.number().min(0).max(1).nullable(), '90d': z.number().min(0).max(1).nullable() })
    .describe('Measured: the share of conclusive results that passed, every location merged (inconclusive ones left out); null without any'),
  response_ms: z.object({ '30d': Percentiles, '90d': Percentiles }).describe('Response time of successful results, every location merged'),
  days: z
    .array(z.object({ date: z.iso.date(), results: z.number().int(), uptime: z.number().min(0).max(1).nullable(), ...Percentiles.shape }))
    .describe(`The UTC days of the last ${STATUS_PAGE_DAYS} with results, oldest first`),
});

export const STATUS_INCIDENT_TYPES = ['outage', 'maintenance'] as const;

export const StatusIncidentSchema = z.object({
  id: z.uuid().describe('The event (outage) or maintenance window'),
  type: z.enum(STATUS_INCIDENT_TYPES),
  severity: z.enum(EVENT_SEVERITIES).nullable().describe('An outage’s severity; null for maintenance'),
  started_at: Timestamp,
  ended_at: Timestamp.nullable().describe('Null while it goes on'),
  duration_s: z.number().describe('Until its end, or until now while it goes on'),
  ongoing: z.boolean(),
  resolution: z.enum(EVENT_RESOLUTION_REASONS).nullable().describe('How an outage ended; null for maintenance and ongoing outages'),
  check: z
    .object({ name: z.string().nullable(), type: CheckTypeSchema })
    .nullable()
    .describe('The check it concerns (never its target); null for maintenance of the whole site'),
});

export const UpcomingMaintenanceSchema = z.object({
  id: z.uuid().describe('The maintenance window (a recurring one appears once per occurrence)'),
  starts_at: Timestamp,
  ends_at: Timestamp,
  check: z
    .object({ name: z.string().nullable(), type: CheckTypeSchema })
    .nullable()
    .describe('The check it concerns (never its target); null for maintenance of the whole site'),
});

export const PublicStatusSchema = z.object({
  site: z.object({ name: z.string(), slug: z.string() }),
  status: SiteStatusSchema.describe("The site's current status projection"),
  unknown_checks: z
    .number()
    .int()
    .describe('Its enabled checks whose status is unknown (no recent data): a page never says operational while one is'),
  last_checked_at: Timestamp.nullable(),
  generated_at: Timestamp,
  uptime: z.object({ '24h': UptimeFiguresSchema, '7d': UptimeFiguresSchema, '90d': UptimeFiguresSchema }),
  days: z.array(StatusDaySchema).describe(`The last ${STATUS_PAGE_DAYS} UTC days, oldest first, today last (counted up to now)`),
  incidents: z
    .array(StatusIncidentSchema)
    .describe(
      `Confirmed outages and maintenance windows of the last ${STATUS_PAGE_DAYS} days (ongoing ones included), newest first, at most ${STATUS_PAGE_MAX_INCIDENTS}; a recurring window appears once per occurrence`,
    ),
  upcoming_maintenance: z
    .array(UpcomingMaintenanceSchema)
    .describe(`Maintenance starting within the next ${STATUS_PAGE_UPCOMING_DAYS} days, soonest first, at most ${STATUS_PAGE_MAX_UPCOMING}`),
  checks: z
    .array(StatusCheckSchema)
    .default([])
    .describe(
      `Its enabled checks (at most ${STATUS_PAGE_MAX_CHECKS}, oldest first; never their targets) with their measured uptime and response time, ` +
        'read from the daily rollups (never raw results)',
    ),
});

const StatusParams = z.strictObject({ slug: Slug.describe("The site's slug") });

const PUBLIC_DESCRIPTION =
  'Needs no credentials, and answers only for a site whose `public_status_page` is on: any other slug, known or not, ' +
  'gets the same 404, so slugs cannot be probed. Uptime is 1 − down / (monitored − maintenance − unknown): a confirmed ' +
  'outage counts from its first failed run to its end; a suspicion never confirmed (a false alarm) never counts; ' +
  "unknown is time nobody could tell (its checks' unknown spells, and the site's current unknown or paused spell), " +
  "left out and reported as `unknown_s`; monitoring begins with the site's first check. Cached for 30 s (`Cache-Control: public, max-age=30`).";

export const getPublicStatus = defineRoute({
  method: 'get',
  path: '/api/v1/public/status/:slug',
  operationId: 'getPublicStatus',
  summary: "A site's public status: current status, uptime over 24 h, 7 d and 90 d, daily states, incidents",
  description: PUBLIC_DESCRIPTION,
  tags: ['status-page'],
  auth: { kind: 'none' },
  params: StatusParams,
  success: { status: 200, description: 'The public status', schema: PublicStatusSchema },
  errors: [404],
});

export const getStatusPage = defineRoute({
  method: 'get',
  path: '/status/:slug',
  operationId: 'getStatusPage',
  summary: "A site's public status page (HTML, no JavaScript, refreshes every 60 s)",
  description: `${PUBLIC_DESCRIPTION} The 404 is an HTML page too.`,
  tags: ['status-page'],
  auth: { kind: 'none' },
  params: z.strictObject({ slug: z.string().describe("The site's slug") }),
  success: { status: 200, description: 'The status page (text/html)' },
  errors: [404],
});

export const statusPageRoutes = [getPublicStatus, getStatusPage] as const;
