import { z } from 'zod';
import { IdParams, Timestamp } from './common';
import { defineRoute } from './route';

/** The windows `GET /api/v1/sites/:id/slo` reports burn rates over. */
export const SLO_BURN_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;

const BurnRate = z.number().nullable().describe('Bad fraction / (1 − target); 1 spends the budget exactly over the window; null: nothing monitored');

export const SiteSloSchema = z.object({
  site: z.uuid(),
  target_pct: z.number().nullable().describe('The objective in percent; null: the site has none (then only availability is given)'),
  window_days: z.number().int(),
  from: Timestamp.describe('Start of the SLO window (now − window days)'),
  to: Timestamp,
  availability: z.number().nullable().describe('1 − down / monitored over the window, maintenance and unknown left out; null: nothing monitored'),
  monitored_s: z.number(),
  down_s: z.number(),
  excluded_s: z.number().describe('Maintenance and unknown time left out of the window'),
  budget: z
    .object({
      total_s: z.number().describe('Allowed bad time: (1 − target) × monitored'),
      consumed_s: z.number(),
      remaining_s: z.number().describe('Negative once the objective is missed'),
      remaining_fraction: z.number().nullable(),
      total_minutes: z.number(),
      consumed_minutes: z.number(),
      remaining_minutes: z.number(),
    })
    .nullable(),
  burn_rates: z.record(z.enum(SLO_BURN_WINDOWS), BurnRate).nullable(),
  alert_rules: z
    .array(
      z.object({
        name: z.enum(['fast', 'slow']),
        threshold: z.number(),
        long_window_s: z.number(),
        short_window_s: z.number(),
        long_burn: BurnRate,
        short_burn: BurnRate,
        firing: z.boolean(),
      }),
    )
    .describe('The multi-window, multi-burn-rate rules for the window, as measured now'),
  burning: z.boolean().describe('Whether the rules say the budget burns fast now (with the hysteresis of an open alert)'),
  alert: z
    .object({ id: z.uuid(), severity: z.string(), started_at: Timestamp })
    .nullable()
    .describe('The open slo_burn event, if any'),
});

export const getSiteSlo = defineRoute({
  method: 'get',
  path: '/api/v1/sites/:id/slo',
  operationId: 'getSiteSlo',
  summary: "A site's SLO: availability over its window, error budget, burn rates and burn alert",
  description:
    'Computed now from confirmed outages, leaving maintenance and unknown spells out (as the status page counts uptime). ' +
    'The burn-rate alert (an `slo_burn` event) is opened and closed by the evaluator once a minute.',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The SLO figures', schema: SiteSloSchema },
  errors: [404],
});

export const sloRoutes = [getSiteSlo] as const;
