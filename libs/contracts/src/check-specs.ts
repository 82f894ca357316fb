import { z } from 'zod';
import type { CheckType } from './common';
import { cronProblem, isTimeZone } from './cron';
import type { FieldProblem } from './issues';

// Spec schemas: what each check type probes and how. The controller stores the spec these
// produce (defaults filled in); the runner reads it back with them.

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

/** What a failed assertion makes of a run: `down` fails it; `degraded` only marks a successful run degraded. */
export const ASSERTION_SEVERITIES = ['down', 'degraded'] as const;
export type AssertionSeverity = (typeof ASSERTION_SEVERITIES)[number];

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
    severity: z
      .enum(ASSERTION_SEVERITIES)
      .optional()
      .describe('`down` (absent: the same) fails the run when the assertion does not hold; `degraded` keeps the run successful but marks it degraded'),
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

export const MAX_ICMP_PACKETS = 20;
/** The least time the last echo request is given to be answered, within the run's timeout. */
export const MIN_ICMP_REPLY_WAIT_MS = 500;

export const IcmpSpecSchema = closedObject({
  count: z.number().int().min(1).max(MAX_ICMP_PACKETS).default(3).describe('Echo requests sent per run'),
  interval_ms: z
    .number()
    .int()
    .min(200)
    .max(10_000)
    .default(1000)
    .describe('Milliseconds between echo requests (200 is the least an unprivileged ping may use everywhere)'),
  max_loss_percent: z
    .number()
    .min(0)
    .max(99)
    .default(0)
    .describe('The check fails when more than this percent of the packets are lost (0: any loss fails; 100 % loss always fails)'),
  degraded_rtt_ms: z
    .number()
    .min(0.1)
    .max(60_000)
    .optional()
    .describe(
      'A run whose average round-trip time is above this is degraded (details.degraded says so), never down',
    ),
});
export type IcmpSpec = z.output<typeof IcmpSpecSchema>;

/**
 * The problems of an icmp spec whose packets cannot all be sent and answered within the run's
 * timeout: the last request leaves after (count - 1) × interval_ms and is given at least
 * MIN_ICMP_REPLY_WAIT_MS, so a shorter timeout would cut the run short and report packets as lost.
 */
export function icmpTimingProblems(spec: Pick<IcmpSpec, 'count' | 'interval_ms'>, timeoutMs: number): FieldProblem[] {
  const needed = (spec.count - 1) * spec.interval_ms + MIN_ICMP_REPLY_WAIT_MS;
  if (needed <= timeoutMs) return [];
  return [
    {
      field: 'spec.count',
      message: `needs ${needed} ms ((count - 1) × interval_ms + ${MIN_ICMP_REPLY_WAIT_MS} for the last reply): more than timeout_ms (${timeoutMs})`,
    },
  ];
}

/** Heartbeat periods and graces: from a second (tests, tight loops) to a year, like healthchecks.io's upper bound. */
export const MIN_HEARTBEAT_SECONDS = 1;
export const MAX_HEARTBEAT_SECONDS = 31_536_000;

export const HeartbeatSpecSchema = closedObject({
  period_s: z
    .number()
    .int()
    .min(MIN_HEARTBEAT_SECONDS)
    .max(MAX_HEARTBEAT_SECONDS)
    .default(86_400)
    .describe('Seconds expected between two pings (the job\'s period); the evaluator looks every few seconds, so under 10 s is for tests'),
  grace_s: z
    .number()
    .int()
    .min(MIN_HEARTBEAT_SECONDS)
    .max(MAX_HEARTBEAT_SECONDS)
    .default(3_600)
    .describe('How late a ping may be before the check is down; also how long a started job may run before it is down'),
  schedule: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .superRefine((schedule, ctx) => {
      const problem = schedule === undefined ? undefined : cronProblem(schedule);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(
      'When the job runs, as a cron expression ("0 3 * * *": 5 fields, or 6 with seconds first; @daily…). With it, a ping is due grace_s after the first run time following the last ping, and period_s is not used',
    ),
  timezone: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .refine((timezone) => timezone === undefined || isTimeZone(timezone), 'must be an IANA time zone such as Europe/Paris')
    .describe('The IANA time zone the schedule is read in (default UTC); only with schedule'),
}).superRefine((spec, ctx) => {
  if (spec.timezone !== undefined && spec.schedule === undefined) ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'is only used with schedule' });
});
export type HeartbeatSpec = z.output<typeof HeartbeatSpecSchema>;

/** The spec schema of each check type: parse a stored or submitted spec with it to get defaults filled in. */
export const CHECK_SPEC_SCHEMAS = {
  http: HttpSpecSchema,
  tcp: TcpSpecSchema,
  dns: DnsSpecSchema,
  tls_cert: TlsCertSpecSchema,
  icmp: IcmpSpecSchema,
  heartbeat: HeartbeatSpecSchema,
} as const;
export type CheckSpecOf<T extends CheckType> = z.output<(typeof CHECK_SPEC_SCHEMAS)[T]>;
export type CheckSpec = CheckSpecOf<CheckType>;
