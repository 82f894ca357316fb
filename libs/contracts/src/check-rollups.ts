import { z } from 'zod';
import { IdParams, Timestamp } from './common';
import { LocationName } from './check-settings';
import { defineRoute } from './route';

// A check's rollups (issue 16): hourly and daily counts and latency percentiles per location,
// kept by the evaluator, so long windows never read raw results.

export const ROLLUP_GRANULARITIES = ['hour', 'day'] as const;

/** The longest window one request may cover: 31 days of hours, 2 years of days (bounded answers). */
export const MAX_ROLLUP_WINDOW_DAYS = { hour: 31, day: 731 } as const;

export const CheckRollupsQuery = z.strictObject({
  granularity: z.enum(ROLLUP_GRANULARITIES).default('hour').describe('UTC hours or UTC days'),
  from: Timestamp.optional().describe('Buckets starting at or after this time (default: `to` minus 24 hours, or 30 days by day)'),
  to: Timestamp.optional().describe('Buckets starting before this time (default: now)'),
  location: LocationName.optional().describe('Only this location'),
});

const RollupStats = {
  count: z.number().int().describe('Every result'),
  failures: z.number().int().describe('Conclusive failures'),
  inconclusive: z.number().int().describe('Results the runner could not tell (not counted for uptime)'),
  degraded: z.number().int().describe('Successes that crossed a degraded rule'),
  uptime: z.number().nullable().describe('Successes / conclusive results, 0 to 1; null when none was conclusive'),
  latency_ms: z
    .object({
      count: z.number().int().describe('Successful results with a latency'),
      mean: z.number().nullable(),
      min: z.number().int().nullable(),
      max: z.number().int().nullable(),
      p50: z.number().nullable(),
      p95: z.number().nullable(),
      p99: z.number().nullable(),
    })
    .describe('Latency of successful results; percentiles from fixed log buckets, within 4.5 % of the exact value from 1 ms to 60 s'),
};

export const CheckRollupBucketSchema = z.object({ bucket_start: Timestamp, ...RollupStats });

export const CheckRollupsSchema = z.object({
  granularity: z.enum(ROLLUP_GRANULARITIES),
  from: Timestamp,
  to: Timestamp,
  data: z.array(
    z.object({
      location: z.string(),
      total: z.object(RollupStats).describe('The whole window at this location: its buckets merged'),
      buckets: z.array(CheckRollupBucketSchema).describe('Buckets with results, oldest first'),
    }),
  ),
  combined: z
    .object({
      total: z.object(RollupStats).describe('The whole window, every location merged'),
      buckets: z.array(CheckRollupBucketSchema).describe('Buckets with results at any location, oldest first, every location merged'),
    })
    .describe('The check as a whole (the locations asked for, merged per bucket): uptime bars and latency of the check'),
});

export const getCheckRollups = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id/rollups',
  operationId: 'getCheckRollups',
  summary: "A check's hourly or daily rollups per location",
  description:
    'Counts, uptime and latency percentiles per location and UTC hour or day, read from the rollups the evaluator keeps (results are counted once evaluated). ' +
    `A window covers at most ${MAX_ROLLUP_WINDOW_DAYS.hour} days by hour and ${MAX_ROLLUP_WINDOW_DAYS.day} days by day.`,
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: CheckRollupsQuery,
  success: { status: 200, description: 'Rollups per location, oldest bucket first', schema: CheckRollupsSchema },
  errors: [404],
});

export const checkRollupsRoutes = [getCheckRollups] as const;
