import { z } from 'zod';
import { CONTROLLER_LOCATION, Slug } from './common';
import type { FieldProblem } from './issues';

// Scheduling and quorum settings: how often a check runs, where, and how many failing
// locations make it down; the rules that span several of them.

export const MIN_INTERVAL_S = 10;
export const MAX_INTERVAL_S = 86_400;
export const MAX_CHECK_LOCATIONS = 50;
const PERCENT = /^(?:100|[1-9][0-9]?)%$/;

export const CheckName = z.string().trim().min(1).max(200).describe('A name for people');
export const IntervalS = z.number().int().min(MIN_INTERVAL_S).max(MAX_INTERVAL_S);
export const TimeoutMs = z.number().int().min(100).max(60_000);
export const Strikes = z.number().int().min(1).max(100);
export const DegradedLatencyMs = z
  .number()
  .int()
  .min(1)
  .max(60_000)
  .describe('A run that succeeds but takes longer than this (latency_ms) is degraded, not down; less than timeout_ms');

export const LocationName = z
  .string()
  .min(1)
  .max(63)
  .refine((value) => value === CONTROLLER_LOCATION || Slug.safeParse(value).success, `must be a runner slug or "${CONTROLLER_LOCATION}"`);

export const CheckLocations = z
  .array(LocationName)
  .max(MAX_CHECK_LOCATIONS)
  .superRefine((locations, ctx) => {
    locations.forEach((location, index) => {
      if (locations.indexOf(location) !== index) ctx.addIssue({ code: 'custom', path: [index], message: 'is listed twice' });
    });
  })
  .describe(
    `Runner slugs and/or "${CONTROLLER_LOCATION}", at most ${MAX_CHECK_LOCATIONS}, each an existing runner that is not revoked. Empty: every active runner, including runners added later`,
  );

export const FailingLocationsThreshold = z
  .union([z.number().int().min(1).max(1000), z.string().regex(PERCENT)], {
    error: 'must be a number of locations (a positive integer) or a percent from "1%" to "100%"',
  })
  .describe('How many failing locations make the check down: a count (2) or a percent of its locations ("66%": 2 of 3)');

/** The settings whose rules span several fields; checked on creation and on every change. */
export interface CheckSettings {
  interval_s: number;
  down_interval_s?: number | null;
  timeout_ms: number;
  degraded_latency_ms?: number | null;
  locations: readonly string[];
  failing_locations_threshold: number | string;
}

export function checkSettingsProblems(settings: CheckSettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { interval_s: interval, down_interval_s: downInterval, timeout_ms: timeout, locations, failing_locations_threshold: quorum } = settings;
  const degradedLatency = settings.degraded_latency_ms;
  if (downInterval !== undefined && downInterval !== null && downInterval > interval) {
    problems.push({ field: 'down_interval_s', message: `must be at most interval_s (${interval})` });
  }
  if (timeout >= interval * 1000) problems.push({ field: 'timeout_ms', message: `must be less than interval_s × 1000 (${interval * 1000})` });
  // A run slower than its timeout fails: a degraded limit at or above it could never apply.
  if (degradedLatency !== undefined && degradedLatency !== null && degradedLatency >= timeout) {
    problems.push({ field: 'degraded_latency_ms', message: `must be less than timeout_ms (${timeout})` });
  }
  if (typeof quorum === 'number' && locations.length > 0 && quorum > locations.length) {
    problems.push({ field: 'failing_locations_threshold', message: `must be at most the number of locations (${locations.length})` });
  }
  return problems;
}
