import { z } from 'zod';
import { CHECK_TYPES, CheckTypeSchema, IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { DnsSpecSchema, HeartbeatSpecSchema, HttpSpecSchema, IcmpSpecSchema, icmpTimingProblems, TcpSpecSchema, TlsCertSpecSchema } from './check-specs';
import { CHECK_TARGET_SCHEMAS, MAX_TARGET_LENGTH } from './check-targets';
import {
  CheckLocations,
  CheckName,
  checkSettingsProblems,
  DegradedLatencyMs,
  FailingLocationsThreshold,
  IntervalS,
  LocationName,
  MAX_INTERVAL_S,
  MIN_INTERVAL_S,
  Strikes,
  TimeoutMs,
} from './check-settings';
import { defineRoute } from './route';
import { SiteStatusSchema } from './sites';

// The checks API: request bodies, responses and routes, built from the specs
// (check-specs.ts), targets (check-targets.ts) and settings (check-settings.ts).

// ---------------------------------------------------------------------------
// Request bodies.
// ---------------------------------------------------------------------------

const ExportMetricsHelp =
  "Export the check's per-location Prometheus series (vigil_check_up, vigil_check_unknown, vigil_check_latency_seconds) on the controller's /metrics, within VIGIL_CHECK_METRICS_MAX_SERIES";

const checkFields = {
  site_id: ResourceId.describe('The site the check belongs to'),
  name: CheckName.optional(),
  interval_s: IntervalS.default(60).describe(`Seconds between runs at each location (${MIN_INTERVAL_S} to ${MAX_INTERVAL_S})`),
  down_interval_s: IntervalS.optional().describe('A shorter interval used while an event is open; at most interval_s'),
  timeout_ms: TimeoutMs.default(10_000).describe('How long a run may take (100 to 60000 ms); less than interval_s × 1000'),
  degraded_latency_ms: DegradedLatencyMs.optional(),
  locations: CheckLocations.default([]),
  failing_threshold: Strikes.default(2).describe('Failed runs in a row after which a location counts as failing'),
  passing_threshold: Strikes.default(1).describe('Passed runs in a row after which a failing location counts as passing again'),
  failing_locations_threshold: FailingLocationsThreshold.default('66%'),
  enabled: z.boolean().default(true),
  export_metrics: z.boolean().default(false).describe(ExportMetricsHelp),
};

export const CreateCheckBody = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ ...checkFields, type: z.literal('http'), target: CHECK_TARGET_SCHEMAS.http, spec: HttpSpecSchema.prefault({}) }),
      z.strictObject({ ...checkFields, type: z.literal('tcp'), target: CHECK_TARGET_SCHEMAS.tcp, spec: TcpSpecSchema.prefault({}) }),
      z.strictObject({ ...checkFields, type: z.literal('dns'), target: CHECK_TARGET_SCHEMAS.dns, spec: DnsSpecSchema.prefault({}) }),
      z.strictObject({
        ...checkFields,
        type: z.literal('tls_cert'),
        target: CHECK_TARGET_SCHEMAS.tls_cert,
        spec: TlsCertSpecSchema.prefault({}),
      }),
      z.strictObject({ ...checkFields, type: z.literal('icmp'), target: CHECK_TARGET_SCHEMAS.icmp, spec: IcmpSpecSchema.prefault({}) }),
      // One witness, never leased: the schedule and quorum settings follow from the spec (heartbeatSettings).
      z.strictObject({
        site_id: checkFields.site_id,
        name: checkFields.name,
        enabled: checkFields.enabled,
        export_metrics: checkFields.export_metrics,
        type: z.literal('heartbeat'),
        target: CHECK_TARGET_SCHEMAS.heartbeat.default('heartbeat'),
        spec: HeartbeatSpecSchema.prefault({}),
      }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${CHECK_TYPES.join(', ')}` : undefined) },
  )
  .superRefine(
    (body, ctx) => {
      if (body.type === 'heartbeat') return;
      for (const problem of checkSettingsProblems(body)) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
      if (body.type === 'icmp') {
        for (const problem of icmpTimingProblems(body.spec, body.timeout_ms)) ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.message });
      }
    },
    // Rules across fields only make sense once each field is valid on its own.
    { when: (payload) => payload.issues.length === 0 },
  );
export type CreateCheck = z.output<typeof CreateCheckBody>;

export const UpdateCheckBody = z.strictObject({
  name: CheckName.nullable().optional().describe('null removes the name'),
  target: z
    .string()
    .min(1)
    .max(MAX_TARGET_LENGTH)
    .optional()
    .describe("As on creation, for the check's type; the check moves to the site's endpoint for it (created if needed)"),
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("Replaces the whole spec; validated as on creation, for the check's type, with defaults filled in"),
  interval_s: IntervalS.optional(),
  down_interval_s: IntervalS.nullable().optional().describe('null: use interval_s while an event is open'),
  timeout_ms: TimeoutMs.optional(),
  degraded_latency_ms: DegradedLatencyMs.nullable().optional().describe('null removes the latency rule'),
  locations: CheckLocations.optional(),
  failing_threshold: Strikes.optional(),
  passing_threshold: Strikes.optional(),
  failing_locations_threshold: FailingLocationsThreshold.optional(),
  enabled: z.boolean().optional().describe('Enabling a disabled check makes it due at once at every location'),
  export_metrics: z.boolean().optional().describe(ExportMetricsHelp),
});
export type UpdateCheck = z.output<typeof UpdateCheckBody>;

// ---------------------------------------------------------------------------
// Responses.
// ---------------------------------------------------------------------------

const checkResponseFields = {
  id: z.uuid(),
  site_id: z.uuid(),
  name: z.string().nullable(),
  target: z.string().describe('The normalized target'),
  interval_s: z.number().int(),
  down_interval_s: z.number().int().nullable(),
  timeout_ms: z.number().int(),
  degraded_latency_ms: z.number().int().nullable().describe('Successful runs slower than this are degraded; null: no latency rule'),
  locations: z.array(z.string()).describe('As configured; empty: every active runner'),
  effective_locations: z.array(z.string()).describe('The locations the check runs at now'),
  failing_threshold: z.number().int(),
  passing_threshold: z.number().int(),
  failing_locations_threshold: z.union([z.number().int(), z.string()]).describe('A count (2) or a percent ("66%")'),
  enabled: z.boolean(),
  export_metrics: z.boolean().describe(ExportMetricsHelp),
  status: SiteStatusSchema,
  last_checked_at: Timestamp.nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const CheckSchema = z.discriminatedUnion('type', [
  z.object({ ...checkResponseFields, type: z.literal('http'), spec: HttpSpecSchema }),
  z.object({ ...checkResponseFields, type: z.literal('tcp'), spec: TcpSpecSchema }),
  z.object({ ...checkResponseFields, type: z.literal('dns'), spec: DnsSpecSchema }),
  z.object({ ...checkResponseFields, type: z.literal('tls_cert'), spec: TlsCertSpecSchema }),
  z.object({ ...checkResponseFields, type: z.literal('icmp'), spec: IcmpSpecSchema }),
  z.object({ ...checkResponseFields, type: z.literal('heartbeat'), spec: HeartbeatSpecSchema }),
]);

const DegradedResult = z.boolean().describe('The run succeeded but crossed a degraded rule (latency, a `severity: degraded` assertion, ICMP rtt); the rule is in details.degraded');

export const CheckLastResultSchema = z.object({
  ok: z.boolean(),
  degraded: DegradedResult,
  inconclusive: z.boolean().describe("The runner could not tell (its own network in doubt, or egress refused the target): moves no strike"),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int().nullable(),
  error_code: z.string().nullable(),
  error: z.string().nullable(),
  checked_at: Timestamp,
});

export const CheckLocationSchema = z.object({
  location: z.string(),
  failing_strikes: z.number().int(),
  passing_strikes: z.number().int(),
  failing: z.boolean().describe('failing_strikes >= failing_threshold'),
  resolved: z.boolean(),
  next_due_at: Timestamp,
  leased: z.boolean().describe('A runner holds the current run'),
  last_result: CheckLastResultSchema.nullable().describe('The newest result from this location'),
  fresh: z
    .boolean()
    .describe(
      "Its latest result is conclusive and younger than 2 × interval_s + timeout + 10 s: only fresh locations count for the quorum; a check with too few of them is unknown",
    ),
  inconclusive: z.boolean().describe('Its latest result was inconclusive: it counts as stale until a conclusive one'),
});

export const CheckResultSchema = z.object({
  run_id: z.uuid(),
  location: z.string(),
  ok: z.boolean(),
  degraded: DegradedResult,
  inconclusive: z
    .boolean()
    .describe("A failure that says nothing of the target: the runner's own canaries were failing, or the egress policy refused the target"),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int().nullable(),
  timings: z.record(z.string(), z.number()).nullable().describe('Timing phases in ms: dns, tcp, tls, first_byte, download, total'),
  error_code: z.string().nullable(),
  error: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  checked_at: Timestamp,
  received_at: Timestamp,
});

export const ListChecksQuery = PageQuery.extend({
  site_id: ResourceId.optional().describe("Only this site's checks"),
  type: CheckTypeSchema.optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

/**
 * The longest window of raw results one request may ask for (`since` to `until`, or to now):
 * longer windows read the rollups (`GET /api/v1/checks/:id/rollups`), never raw rows.
 */
export const MAX_RESULTS_WINDOW_HOURS = 24;

export const ListCheckResultsQuery = PageQuery.extend({
  location: LocationName.optional().describe('Only results from this location'),
  since: Timestamp.optional().describe(
    `Results checked at or after this time: at most ${MAX_RESULTS_WINDOW_HOURS} hours before \`until\` (or now); longer windows read /rollups`,
  ),
  until: Timestamp.optional().describe('Results checked before this time'),
});

// ---------------------------------------------------------------------------
// Routes.
// ---------------------------------------------------------------------------

export const createCheck = defineRoute({
  method: 'post',
  path: '/api/v1/checks',
  operationId: 'createCheck',
  summary: 'Create a check on a site',
  description:
    'The target is created as an endpoint of the site, or the existing one reused. The check is due at once at each of its locations. `spec` depends on `type`; unknown fields are refused.',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'write' },
  body: CreateCheckBody,
  success: { status: 201, description: 'The new check', schema: CheckSchema },
});

export const listChecks = defineRoute({
  method: 'get',
  path: '/api/v1/checks',
  operationId: 'listChecks',
  summary: 'List checks',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  query: ListChecksQuery,
  success: { status: 200, description: 'A page of checks, oldest first', schema: listOf(CheckSchema) },
});

export const getCheck = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id',
  operationId: 'getCheck',
  summary: 'Get a check',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The check', schema: CheckSchema },
  errors: [404],
});

export const updateCheck = defineRoute({
  method: 'patch',
  path: '/api/v1/checks/:id',
  operationId: 'updateCheck',
  summary: 'Change a check',
  description: 'Any field of creation but `site_id` and `type`. Changing the locations keeps the strikes of the locations kept.',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  body: UpdateCheckBody,
  success: { status: 200, description: 'The check as changed', schema: CheckSchema },
  errors: [404],
});

export const deleteCheck = defineRoute({
  method: 'delete',
  path: '/api/v1/checks/:id',
  operationId: 'deleteCheck',
  summary: 'Delete a check',
  description: 'The check stops running; its events and results are kept with the site.',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 204, description: 'Deleted' },
  errors: [404],
});

export const listCheckLocations = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id/locations',
  operationId: 'listCheckLocations',
  summary: "A check's state at each of its locations",
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'Strikes, schedule and last result per location', schema: z.object({ data: z.array(CheckLocationSchema) }) },
  errors: [404],
});

export const listCheckResults = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id/results',
  operationId: 'listCheckResults',
  summary: "A check's results, newest first",
  description:
    `Raw results, for the recent detail: the last results (a page, the cursor going on), or a window of at most ${MAX_RESULTS_WINDOW_HOURS} hours ` +
    '(`since` to `until` or now; a longer one is a 400). Longer windows read `GET /api/v1/checks/:id/rollups`.',
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: ListCheckResultsQuery,
  success: { status: 200, description: 'A page of results, by checked_at (newest first)', schema: listOf(CheckResultSchema) },
  errors: [404],
});

export const checksRoutes = [createCheck, listChecks, getCheck, updateCheck, deleteCheck, listCheckLocations, listCheckResults] as const;
