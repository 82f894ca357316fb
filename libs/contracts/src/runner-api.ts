import { z } from 'zod';
import { CheckTypeSchema, Timestamp } from './common';
import { defineRoute } from './route';

/** Most results in one report, and most runs one poll leases. */
export const MAX_REPORT_BATCH = 500;
export const MAX_POLL_LIMIT = 500;

const TIMING_PHASES = ['dns', 'tcp', 'tls', 'first_byte', 'download', 'total'] as const;
const Milliseconds = z.number().min(0).max(3_600_000);
const MAX_DETAILS_BYTES = 8192;

export const RunSpecSchema = z.object({
  run_id: z.uuid().describe('This run; report it back with the result'),
  check_id: z.uuid(),
  type: CheckTypeSchema,
  /** The endpoint to probe: a URL, host:port or DNS name. */
  target: z.string(),
  spec: z.record(z.string(), z.unknown()),
  timeout_ms: z.number().int(),
  due_at: Timestamp,
});
export type RunSpec = z.output<typeof RunSpecSchema>;

export const ReportedResultSchema = z.strictObject({
  run_id: z.uuid(),
  check_id: z.uuid(),
  ok: z.boolean(),
  status_code: z.number().int().min(100).max(599).optional(),
  latency_ms: Milliseconds.optional(),
  timings: z.partialRecord(z.enum(TIMING_PHASES), Milliseconds).optional(),
  error_code: z.string().min(1).max(64).optional(),
  error: z.string().max(2000).optional(),
  details: z
    .record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= MAX_DETAILS_BYTES, `must be at most ${MAX_DETAILS_BYTES} bytes of JSON`)
    .optional(),
  checked_at: Timestamp,
});
export type ReportedResult = z.output<typeof ReportedResultSchema>;

export const REPORT_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** Why a result was rejected: the check is unknown or deleted, or the run is not leased to this runner. */
export const REJECT_REASONS = ['unknown_check', 'not_leased', 'checked_at_in_future'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const ReportItemOutcomeSchema = z.object({
  run_id: z.uuid(),
  check_id: z.uuid(),
  outcome: z.enum(REPORT_OUTCOMES),
  reason: z.enum(REJECT_REASONS).optional(),
});
export type ReportItemOutcome = z.output<typeof ReportItemOutcomeSchema>;

export const pollRuns = defineRoute({
  method: 'get',
  path: '/api/runner/checks',
  operationId: 'pollRuns',
  summary: "Lease the due runs for the calling runner's location",
  description:
    'Each run is leased to the caller: no other poll, on any controller instance, returns it until the lease expires. Report each run back with its `run_id`.',
  tags: ['runner'],
  auth: { kind: 'runner' },
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_POLL_LIMIT).default(50) }),
  success: { status: 200, description: 'The leased runs (possibly none)', schema: z.object({ runs: z.array(RunSpecSchema) }) },
});

export const reportResults = defineRoute({
  method: 'post',
  path: '/api/runner/report',
  operationId: 'reportResults',
  summary: 'Report results of leased runs',
  description:
    'Idempotent on (check_id, run_id): a repeated result is acknowledged as `duplicate` and never stored twice. A result for a run that is not leased to the caller is `rejected`. Results are stored for the evaluator; the request does not wait for evaluation.',
  tags: ['runner'],
  auth: { kind: 'runner' },
  body: z.strictObject({ results: z.array(ReportedResultSchema).min(1).max(MAX_REPORT_BATCH) }),
  success: {
    status: 202,
    description: 'One outcome per result, in the order sent',
    schema: z.object({
      results: z.array(ReportItemOutcomeSchema),
      accepted: z.number().int(),
      duplicates: z.number().int(),
      rejected: z.number().int(),
    }),
  },
  errors: [413],
});

export const runnerRoutes = [pollRuns, reportResults] as const;
