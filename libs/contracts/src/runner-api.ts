import { z } from 'zod';
import { CheckTypeSchema, Timestamp } from './common';
import { defineRoute } from './route';

/** Most results in one report, and most runs one poll leases. */
export const MAX_REPORT_BATCH = 500;
export const MAX_POLL_LIMIT = 500;
/** Furthest ahead of its due time a poll may lease a run. */
export const MAX_POLL_LOOKAHEAD_MS = 5000;

const TIMING_PHASES = ['dns', 'tcp', 'tls', 'first_byte', 'download', 'total'] as const;
const Milliseconds = z.number().min(0).max(3_600_000);
const MAX_DETAILS_BYTES = 8192;
/** Results older than this are a runner's broken clock, not a measurement. */
export const EARLIEST_CHECKED_AT = '2000-01-01T00:00:00Z';

// PostgreSQL stores neither NUL characters (in text or jsonb) nor unpaired UTF-16 surrogates
// (in jsonb); refusing them here keeps a runner's odd bytes from ever reaching the database.
const UNPAIRED_SURROGATE = /\p{Cs}/u;
const STORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';
const storable = (text: string): boolean => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);

// Iterative: a client can nest JSON deeper than the call stack goes.
function storableJson(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && !storable(value)) return false;
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (!storable(key)) return false;
        pending.push(item);
      }
    }
  }
  return true;
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value).length;
  } catch {
    return Number.POSITIVE_INFINITY; // nested beyond the call stack
  }
}

// A value that is not a timestamp at all is reported once, by the format check.
const notBefore = (earliest: string) => (value: string) => !(Date.parse(value) < Date.parse(earliest));

const StorableText = z.string().refine(storable, STORABLE_MESSAGE);

export const RunSpecSchema = z.object({
  run_id: z.uuid().describe('This run; report it back with the result'),
  check_id: z.uuid(),
  type: CheckTypeSchema,
  /** The endpoint to probe: a URL, host:port or DNS name. */
  target: z.string(),
  spec: z.record(z.string(), z.unknown()),
  timeout_ms: z.number().int(),
  /** A successful run slower than this (its latency_ms) is reported degraded; absent: no latency rule. */
  degraded_latency_ms: z.number().int().optional(),
  due_at: Timestamp,
  /** The previous run of this check at this location was leased and never reported: its runner fell behind or died. */
  previous_lease_expired: z.boolean().optional(),
});
export type RunSpec = z.output<typeof RunSpecSchema>;

export const ReportedResultSchema = z.strictObject({
  run_id: z.uuid(),
  check_id: z.uuid(),
  ok: z.boolean(),
  status_code: z.number().int().min(100).max(599).optional(),
  latency_ms: Milliseconds.optional(),
  timings: z.partialRecord(z.enum(TIMING_PHASES), Milliseconds).optional(),
  error_code: StorableText.min(1).max(64).optional(),
  error: StorableText.max(2000).optional(),
  details: z
    .record(z.string(), z.unknown())
    .refine((value) => jsonLength(value) <= MAX_DETAILS_BYTES, `must be at most ${MAX_DETAILS_BYTES} bytes of JSON`)
    .refine(storableJson, STORABLE_MESSAGE)
    .optional(),
  /** When the probe ran, by the runner's clock; one more than a minute ahead of the controller's is rejected. */
  checked_at: Timestamp.refine(notBefore(EARLIEST_CHECKED_AT), `must be ${EARLIEST_CHECKED_AT} or later`),
  /**
   * The runner could not tell whether the target failed: its own canaries were failing, or the
   * egress policy refused the target. Only with `ok: false`; it moves no strike.
   */
  inconclusive: z.boolean().optional(),
  /**
   * The run succeeded but crossed one of the check's degraded rules (the run's
   * degraded_latency_ms, a `severity: degraded` assertion, an icmp degraded_rtt_ms); which one
   * is in `details.degraded`. Only with `ok: true`.
   */
  degraded: z.boolean().optional(),
})
  .refine((result) => !(result.ok && result.inconclusive === true), {
    message: 'must not be true when ok is true: a passing result is conclusive',
    path: ['inconclusive'],
  })
  .refine((result) => !(!result.ok && result.degraded === true), {
    message: 'must not be true when ok is false: only a successful run is degraded',
    path: ['degraded'],
  });
export type ReportedResult = z.output<typeof ReportedResultSchema>;

/** The error code of a probe the egress policy refused after resolution. */
export const EGRESS_DENIED = 'EGRESS_DENIED';

/**
 * Whether a result says nothing about its target: the runner marked it so, or the egress
 * policy refused the target (the controller applies this to runners that predate the flag).
 */
export function isInconclusive(result: Pick<ReportedResult, 'ok' | 'inconclusive' | 'error_code'>): boolean {
  return !result.ok && (result.inconclusive === true || result.error_code === EGRESS_DENIED);
}

/** What a runner's canaries say of its own network, sent on every request in CONNECTIVITY_HEADER. */
export const RUNNER_CONNECTIVITY = ['ok', 'impaired'] as const;
export type RunnerConnectivity = (typeof RUNNER_CONNECTIVITY)[number];
export const CONNECTIVITY_HEADER = 'Vigil-Connectivity';

/**
 * Whether a runner keeps up with what it leases, sent on every request in LOAD_HEADER as
 * `<load>; concurrency=<n>` (e.g. `behind; concurrency=200`): `behind` while its runs start
 * late or its leases run out unrun.
 */
export const RUNNER_LOADS = ['ok', 'behind'] as const;
export type RunnerLoad = (typeof RUNNER_LOADS)[number];
export const LOAD_HEADER = 'Vigil-Load';

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
    'Each run is leased to the caller: no other poll, on any controller instance, returns it until the lease expires. Report each run back with its `run_id`. With `lookahead_ms`, runs due within that many milliseconds are leased too, so a runner that polls every few seconds can start each one at its `due_at` instead of at its next poll; such a run must not start before its `due_at`, and its lease lasts from its `due_at`.',
  tags: ['runner'],
  auth: { kind: 'runner' },
  query: z.strictObject({
    limit: z.coerce.number().int().min(1).max(MAX_POLL_LIMIT).default(50),
    lookahead_ms: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_POLL_LOOKAHEAD_MS)
      .default(0)
      .describe('Also lease runs due within this many milliseconds from now (0: only runs already due)'),
  }),
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
