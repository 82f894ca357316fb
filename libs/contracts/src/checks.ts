import { z } from 'zod';
import { CHECK_TYPES, type CheckType, CheckTypeSchema, CONTROLLER_LOCATION, IdParams, listOf, PageQuery, ResourceId, Slug, Timestamp } from './common';
import type { FieldProblem } from './issues';
import { defineRoute } from './route';
import { SiteStatusSchema } from './sites';

// ---------------------------------------------------------------------------
// Spec schemas: what each check type probes and how. The controller stores the
// spec these produce (defaults filled in); the runner reads it back with them.
// ---------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object that refuses unknown keys, naming each one (`spec.methd`) rather than the
 * object holding it, as `z.strictObject` does. It reports them together with the other
 * problems of the object. The OpenAPI document shows it as closed (additionalProperties: false).
 */
function closedObject<Shape extends z.core.$ZodLooseShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = new Set(Object.keys(shape));
  return z
    .looseObject(shape)
    .superRefine(
      (value, ctx) => {
        for (const key of Object.keys(value)) {
          if (!known.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is not a known field' });
        }
      },
      { when: (payload) => isPlainObject(payload.value) },
    )
    .meta({ additionalProperties: false }) as unknown as z.ZodObject<Shape, z.core.$strict>;
}

/**
 * Parses the JSON path syntax of JSON assertions: `$` (the whole document) followed by
 * `.name` (letters, digits, `_`, `-`), `[index]` or `["any key"]` (a JSON string) steps.
 * `$.data.items[0]["content-type"]` → `['data', 'items', 0, 'content-type']`; undefined if malformed.
 */
export function parseJsonPath(path: string): Array<string | number> | undefined {
  if (!path.startsWith('$')) return undefined;
  const step = /^(?:\.([A-Za-z0-9_-]+)|\[(\d{1,9})\]|\[("(?:[^"\\]|\\.)*")\])/;
  const steps: Array<string | number> = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = step.exec(rest);
    if (match === null) return undefined;
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else {
      try {
        steps.push(JSON.parse(match[3]) as string);
      } catch {
        return undefined;
      }
    }
    rest = rest.slice(match[0].length);
  }
  return steps;
}

export const HTTP_CHECK_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpCheckMethod = (typeof HTTP_CHECK_METHODS)[number];
export const MAX_HTTP_HEADERS = 50;
export const MAX_HTTP_BODY_BYTES = 65_536;
export const MAX_JSON_ASSERTIONS = 20;
export const DEFAULT_EXPECTED_STATUSES = ['2xx', '3xx'];

// RFC 9110 `token`: the characters a header name may have.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS_CLASS = /^[1-5]xx$/;

const HttpHeaders = z
  .record(
    z.string().min(1).max(256).regex(HEADER_NAME, 'must be an HTTP header name (letters, digits and !#$%&\'*+.^_`|~-)'),
    z
      .string()
      .max(4096)
      .regex(/^[^\r\n\0]*$/, 'must not contain line breaks or NUL characters'),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HTTP_HEADERS) ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_HTTP_HEADERS} headers` });
    const seen = new Map<string, string>();
    for (const name of names) {
      const earlier = seen.get(name.toLowerCase());
      if (earlier !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is the same header as "${earlier}"` });
      seen.set(name.toLowerCase(), name);
    }
  });

const StatusExpectation = z.union([z.number().int().min(100).max(599), z.string().regex(STATUS_CLASS)], {
  error: 'must be a status code from 100 to 599 or a class such as "2xx"',
});

/** Whether `status` is one of `expected` (codes such as 204, classes such as "2xx"). */
export function statusIsExpected(expected: ReadonlyArray<number | string>, status: number): boolean {
  return expected.some((item) => (typeof item === 'number' ? item === status : item[0] === String(status)[0] && status >= 100 && status <= 599));
}

export const JSON_ASSERTION_OPS = ['equals', 'not_equals', 'contains', 'exists', 'not_exists', 'less_than', 'greater_than'] as const;
export type JsonAssertionOp = (typeof JSON_ASSERTION_OPS)[number];
const OPS_WITHOUT_VALUE: readonly JsonAssertionOp[] = ['exists', 'not_exists'];
const NUMERIC_OPS: readonly JsonAssertionOp[] = ['less_than', 'greater_than'];

export const JsonAssertionSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(256)
      .refine((path) => parseJsonPath(path) !== undefined, 'must be a path such as $.data.items[0].name or $["content-type"]')
      .describe('Where in the response JSON: `$` then `.name`, `[index]` or `["any key"]` steps (see parseJsonPath)'),
    op: z
      .enum(JSON_ASSERTION_OPS)
      .describe(
        '`equals`/`not_equals`: the value there is (not) deep-equal to `value`; `contains`: a string there contains `value` as a substring, or an array there has an element equal to `value`; `exists`/`not_exists`: the path does (not) lead to a value (null counts as a value); `less_than`/`greater_than`: a number there compares so with `value`',
      ),
    value: z
      .union([z.string().max(1024), z.number(), z.boolean(), z.null()])
      .optional()
      .describe('A JSON scalar; required except with exists/not_exists (where it must be absent); a number with less_than/greater_than'),
  })
  .superRefine((assertion, ctx) => {
    const takesValue = !OPS_WITHOUT_VALUE.includes(assertion.op);
    if (takesValue && assertion.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `is required with op ${assertion.op}` });
    if (!takesValue && assertion.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be absent with op ${assertion.op}` });
    if (NUMERIC_OPS.includes(assertion.op) && assertion.value !== undefined && typeof assertion.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number with op ${assertion.op}` });
    }
  });
export type JsonAssertion = z.output<typeof JsonAssertionSchema>;

export const HttpSpecSchema = closedObject({
  method: z.enum(HTTP_CHECK_METHODS).default('GET'),
  headers: HttpHeaders.default({}).describe(`Request headers, at most ${MAX_HTTP_HEADERS}; names are case-insensitive and must be unique`),
  body: z
    .string()
    .refine((body) => new TextEncoder().encode(body).length <= MAX_HTTP_BODY_BYTES, `must be at most ${MAX_HTTP_BODY_BYTES} bytes (UTF-8)`)
    .optional()
    .describe('The request body, sent as is (UTF-8); not with GET or HEAD. Set Content-Type in headers'),
  expected_statuses: z
    .array(StatusExpectation)
    .min(1)
    .max(50)
    .default(DEFAULT_EXPECTED_STATUSES)
    .describe('The response status must be one of these codes (e.g. 204) or classes (e.g. "2xx"); after redirects when they are followed'),
  keyword_present: z.string().min(1).max(1024).optional().describe('The response body must contain this text (case-sensitive)'),
  keyword_absent: z.string().min(1).max(1024).optional().describe('The response body must not contain this text (case-sensitive)'),
  json_assertions: z
    .array(JsonAssertionSchema)
    .max(MAX_JSON_ASSERTIONS)
    .optional()
    .describe('Each must hold on the response body parsed as JSON (a body that is not JSON fails them all)'),
  max_latency_ms: z.number().int().min(1).max(600_000).optional().describe('The check fails when the whole response takes longer than this'),
  follow_redirects: z.boolean().default(true).describe('Follow 3xx responses with a Location header'),
  max_redirects: z.number().int().min(0).max(20).default(5).describe('Most redirects followed; one more fails the check'),
  verify_tls: z.boolean().default(true).describe('Fail on a certificate that is invalid, expired or for another host'),
}).superRefine((spec, ctx) => {
  if (spec.body !== undefined && (spec.method === 'GET' || spec.method === 'HEAD')) {
    ctx.addIssue({ code: 'custom', path: ['body'], message: `cannot be sent with ${spec.method}` });
  }
});
export type HttpSpec = z.output<typeof HttpSpecSchema>;

export const TcpSpecSchema = closedObject({
  send: z.string().min(1).max(4096).optional().describe('Text written (UTF-8) once connected, as is (include any line break it needs)'),
  expect: z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('The check passes only once the data read (UTF-8) contains this text, before the timeout'),
  tls: z.boolean().default(false).describe('Connect with TLS, verifying the certificate for the host'),
});
export type TcpSpec = z.output<typeof TcpSpecSchema>;

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const DnsSpecSchema = closedObject({
  record_type: z.enum(DNS_RECORD_TYPES).default('A'),
  expected_values: z
    .array(z.string().min(1).max(1024))
    .min(1)
    .max(50)
    .optional()
    .describe(
      'Each must be among the answers: addresses (A, AAAA), names (CNAME, NS, and the exchange of MX; compared case-insensitively, without a trailing dot) or the text of a TXT record (its strings joined). Absent: any non-empty answer passes',
    ),
  resolver: z
    .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
    .optional()
    .describe("The DNS server to ask (port 53); absent: the runner's system resolver"),
});
export type DnsSpec = z.output<typeof DnsSpecSchema>;

export const TlsCertSpecSchema = closedObject({
  warning_days: z.number().int().min(1).max(365).default(30).describe('A certificate expiring within this many days raises a warning'),
  degraded_days: z
    .number()
    .int()
    .min(1)
    .max(365)
    .default(7)
    .describe('Within this many days the warning becomes degraded; less than warning_days'),
  verify_chain: z.boolean().default(true).describe('Fail on a certificate that does not chain to a trusted root or is for another host'),
}).superRefine((spec, ctx) => {
  if (spec.degraded_days >= spec.warning_days) {
    ctx.addIssue({ code: 'custom', path: ['degraded_days'], message: `must be less than warning_days (${spec.warning_days})` });
  }
});
export type TlsCertSpec = z.output<typeof TlsCertSpecSchema>;

/** The spec schema of each check type: parse a stored or submitted spec with it to get defaults filled in. */
export const CHECK_SPEC_SCHEMAS = {
  http: HttpSpecSchema,
  tcp: TcpSpecSchema,
  dns: DnsSpecSchema,
  tls_cert: TlsCertSpecSchema,
} as const;
export type CheckSpecOf<T extends CheckType> = z.output<(typeof CHECK_SPEC_SCHEMAS)[T]>;
export type CheckSpec = CheckSpecOf<CheckType>;

// ---------------------------------------------------------------------------
// Targets: what a check probes, validated and normalized per type so that two
// checks of one site on the same target share an endpoint.
// ---------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A DNS name (lower-cased, without a trailing dot), or undefined. All-numeric names must be IPv4 addresses. */
function dnsName(value: string): string | undefined {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split('.');
  if (!labels.every((label) => DNS_LABEL.test(label))) return undefined;
  if (labels.every((label) => /^\d+$/.test(label)) && !z.ipv4().safeParse(name).success) return undefined;
  return name;
}

export interface HostPort {
  /** A DNS name, an IPv4 address or an IPv6 address (without brackets). */
  host: string;
  port: number;
}

/** `host:port`, `[ipv6]:port`, or without `:port` when `defaultPort` is given. Hosts are lower-cased. */
export function parseHostPort(value: string, defaultPort?: number): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(value);
  if (match === null) return undefined;
  const [, ipv6, name, portText] = match;
  const host = ipv6 !== undefined ? (z.ipv6().safeParse(ipv6).success ? ipv6.toLowerCase() : undefined) : dnsName(name);
  const port = portText === undefined ? defaultPort : Number(portText);
  if (host === undefined || port === undefined || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const DEFAULT_TLS_PORT = 443;

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export type TargetResult = { ok: true; target: string } | { ok: false; message: string };

function normalizeUrl(target: string, protocols: readonly string[], message: string): TargetResult {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined || !protocols.includes(scheme)) return { ok: false, message };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, message };
  }
  if (url.hostname === '') return { ok: false, message };
  url.hash = '';
  return { ok: true, target: url.href };
}

/**
 * A check's target, checked and normalized for its type:
 * - `http`: an http:// or https:// URL (normalized by the WHATWG URL parser, fragment dropped);
 * - `tls_cert`: an https:// URL, or `host[:port]` (normalized to `host:port`, port 443 by default);
 * - `tcp`: `host:port` (IPv6 in brackets);
 * - `dns`: a DNS name (lower-cased, without a trailing dot).
 */
export function normalizeCheckTarget(type: CheckType, target: string): TargetResult {
  if (/\s/.test(target) || hasControlCharacter(target)) return { ok: false, message: 'must not contain spaces or control characters' };
  switch (type) {
    case 'http':
      return normalizeUrl(target, ['http', 'https'], 'must be an http:// or https:// URL');
    case 'tls_cert': {
      const message = 'must be an https:// URL or host[:port]';
      if (target.includes('://')) return normalizeUrl(target, ['https'], message);
      const hostPort = parseHostPort(target, DEFAULT_TLS_PORT);
      return hostPort ? { ok: true, target: formatHostPort(hostPort) } : { ok: false, message };
    }
    case 'tcp': {
      const hostPort = parseHostPort(target);
      return hostPort ? { ok: true, target: formatHostPort(hostPort) } : { ok: false, message: 'must be host:port (a port from 1 to 65535)' };
    }
    case 'dns': {
      const name = dnsName(target);
      if (name === undefined || z.ipv4().safeParse(name).success) return { ok: false, message: 'must be a DNS name such as example.com' };
      return { ok: true, target: name };
    }
  }
}

const MAX_TARGET_LENGTH = 2048;

function targetSchema(type: CheckType, description: string) {
  return z
    .string()
    .min(1)
    .max(MAX_TARGET_LENGTH)
    .transform((value, ctx) => {
      const result = normalizeCheckTarget(type, value);
      if (result.ok) return result.target;
      ctx.issues.push({ code: 'custom', message: result.message, input: value });
      return z.NEVER;
    })
    .describe(description);
}

/** The target schema of each check type; the output is the normalized target. */
export const CHECK_TARGET_SCHEMAS = {
  http: targetSchema('http', 'An http:// or https:// URL'),
  tcp: targetSchema('tcp', 'host:port ([ipv6]:port for an IPv6 address)'),
  dns: targetSchema('dns', 'The DNS name to resolve'),
  tls_cert: targetSchema('tls_cert', 'An https:// URL, or host[:port] (port 443 by default), whose certificate is checked'),
} as const;

// ---------------------------------------------------------------------------
// Scheduling and quorum settings.
// ---------------------------------------------------------------------------

export const MIN_INTERVAL_S = 10;
export const MAX_INTERVAL_S = 86_400;
export const MAX_CHECK_LOCATIONS = 50;
const PERCENT = /^(?:100|[1-9][0-9]?)%$/;

const CheckName = z.string().trim().min(1).max(200).describe('A name for people');
const IntervalS = z.number().int().min(MIN_INTERVAL_S).max(MAX_INTERVAL_S);
const TimeoutMs = z.number().int().min(100).max(60_000);
const Strikes = z.number().int().min(1).max(100);

const LocationName = z
  .string()
  .min(1)
  .max(63)
  .refine((value) => value === CONTROLLER_LOCATION || Slug.safeParse(value).success, `must be a runner slug or "${CONTROLLER_LOCATION}"`);

const CheckLocations = z
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

const FailingLocationsThreshold = z
  .union([z.number().int().min(1).max(1000), z.string().regex(PERCENT)], {
    error: 'must be a number of locations (a positive integer) or a percent from "1%" to "100%"',
  })
  .describe('How many failing locations make the check down: a count (2) or a percent of its locations ("66%": 2 of 3)');

/** The settings whose rules span several fields; checked on creation and on every change. */
export interface CheckSettings {
  interval_s: number;
  down_interval_s?: number | null;
  timeout_ms: number;
  locations: readonly string[];
  failing_locations_threshold: number | string;
}

export function checkSettingsProblems(settings: CheckSettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { interval_s: interval, down_interval_s: downInterval, timeout_ms: timeout, locations, failing_locations_threshold: quorum } = settings;
  if (downInterval !== undefined && downInterval !== null && downInterval > interval) {
    problems.push({ field: 'down_interval_s', message: `must be at most interval_s (${interval})` });
  }
  if (timeout >= interval * 1000) problems.push({ field: 'timeout_ms', message: `must be less than interval_s × 1000 (${interval * 1000})` });
  if (typeof quorum === 'number' && locations.length > 0 && quorum > locations.length) {
    problems.push({ field: 'failing_locations_threshold', message: `must be at most the number of locations (${locations.length})` });
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Request bodies.
// ---------------------------------------------------------------------------

const checkFields = {
  site_id: ResourceId.describe('The site the check belongs to'),
  name: CheckName.optional(),
  interval_s: IntervalS.default(60).describe(`Seconds between runs at each location (${MIN_INTERVAL_S} to ${MAX_INTERVAL_S})`),
  down_interval_s: IntervalS.optional().describe('A shorter interval used while an event is open; at most interval_s'),
  timeout_ms: TimeoutMs.default(10_000).describe('How long a run may take (100 to 60000 ms); less than interval_s × 1000'),
  locations: CheckLocations.default([]),
  failing_threshold: Strikes.default(2).describe('Failed runs in a row after which a location counts as failing'),
  passing_threshold: Strikes.default(1).describe('Passed runs in a row after which a failing location counts as passing again'),
  failing_locations_threshold: FailingLocationsThreshold.default('66%'),
  enabled: z.boolean().default(true),
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
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${CHECK_TYPES.join(', ')}` : undefined) },
  )
  .superRefine(
    (body, ctx) => {
      for (const problem of checkSettingsProblems(body)) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
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
  locations: CheckLocations.optional(),
  failing_threshold: Strikes.optional(),
  passing_threshold: Strikes.optional(),
  failing_locations_threshold: FailingLocationsThreshold.optional(),
  enabled: z.boolean().optional().describe('Enabling a disabled check makes it due at once at every location'),
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
  locations: z.array(z.string()).describe('As configured; empty: every active runner'),
  effective_locations: z.array(z.string()).describe('The locations the check runs at now'),
  failing_threshold: z.number().int(),
  passing_threshold: z.number().int(),
  failing_locations_threshold: z.union([z.number().int(), z.string()]).describe('A count (2) or a percent ("66%")'),
  enabled: z.boolean(),
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
]);

export const CheckLastResultSchema = z.object({
  ok: z.boolean(),
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
});

export const CheckResultSchema = z.object({
  run_id: z.uuid(),
  location: z.string(),
  ok: z.boolean(),
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

export const ListCheckResultsQuery = PageQuery.extend({
  location: LocationName.optional().describe('Only results from this location'),
  since: Timestamp.optional().describe('Results checked at or after this time'),
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
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: ListCheckResultsQuery,
  success: { status: 200, description: 'A page of results, by checked_at (newest first)', schema: listOf(CheckResultSchema) },
  errors: [404],
});

export const checksRoutes = [createCheck, listChecks, getCheck, updateCheck, deleteCheck, listCheckLocations, listCheckResults] as const;
