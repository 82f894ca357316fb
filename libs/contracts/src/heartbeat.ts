import { z } from 'zod';
import { HEARTBEAT_LOCATION, IdParams, listOf, PageQuery, Timestamp } from './common';
import type { HeartbeatSpec } from './check-specs';
import { longestCronGapS, nextCronRun } from './cron';
import { defineRoute } from './route';

// Heartbeat (push) checks: the job pings `/ping/<token>`; the evaluator notices a ping that is
// late. healthchecks.io is the reference for the ping URL's forms and their meaning.

/** What a ping says. */
export const PING_KINDS = ['start', 'success', 'fail'] as const;
export type PingKind = (typeof PING_KINDS)[number];

/** Bytes of a ping body read at most (413 beyond); a job's log tail fits. */
export const MAX_PING_BODY_BYTES = 100 * 1024;
/** Bytes of a ping body kept with the ping (the first ones). */
export const PING_BODY_EXCERPT_BYTES = 10 * 1024;
/** A user agent kept with a ping is cut to this many characters. */
export const MAX_PING_USER_AGENT = 200;
/** Bytes of randomness in a ping token: 192 bits, base64url (32 characters). */
export const PING_TOKEN_BYTES = 24;

/** A ping token's shape; anything else is refused before the database is asked. */
export const PING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The header a client may name its ping with, instead of `?rid=`: the same id counts once. */
export const PING_ID_HEADER = 'x-vigil-ping-id';

export type PingAction = { kind: PingKind; exitCode: number | null };

/**
 * What the part after the token says: none (success), `start`, `fail`, or an exit code
 * (`0` success, `1`–`255` fail, as a shell's `$?`). Undefined for anything else.
 */
export function parsePingAction(action: string | undefined): PingAction | undefined {
  if (action === undefined || action === '') return { kind: 'success', exitCode: null };
  if (action === 'start' || action === 'fail') return { kind: action, exitCode: null };
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(action)) return undefined;
  const code = Number(action);
  if (code > 255) return undefined;
  return { kind: code === 0 ? 'success' : 'fail', exitCode: code };
}

/**
 * The scheduling and quorum settings a heartbeat check always has: one witness (its
 * `@heartbeat` location), so one late or failed ping is `down` and one success recovers.
 * `interval_s` is period + grace: the longest a quiet, on-time job leaves the location without
 * a result, so the freshness rule (2 intervals + timeout + 10 s) never calls it unknown first.
 */
export function heartbeatSettings(spec: Pick<HeartbeatSpec, 'period_s' | 'grace_s' | 'schedule' | 'timezone'>, now = new Date()) {
  // With a schedule, its longest gap between two runs stands for the period.
  const period = spec.schedule === undefined ? spec.period_s : longestCronGapS(spec.schedule, spec.timezone, now);
  return {
    interval_s: period + spec.grace_s,
    down_interval_s: null,
    timeout_ms: 1000,
    locations: [HEARTBEAT_LOCATION],
    failing_threshold: 1,
    passing_threshold: 1,
    failing_locations_threshold: 1,
  };
}

// ---------------------------------------------------------------------------
// The ping URL (no API key: the token is the capability).
// ---------------------------------------------------------------------------

const PingParams = z.strictObject({ token: z.string().describe('The check\'s ping token') });
const PingActionParams = PingParams.extend({
  action: z.string().describe('`start`, `fail`, or an exit code: `0` success, `1`–`255` fail'),
});
const PingQuery = z.strictObject({
  rid: z.uuid().optional().describe(`A ping id (UUID): a retried ping with the same id counts once (or the ${PING_ID_HEADER} header)`),
});
const PingAnswer = z.string().describe('`OK`, or `OK (duplicate)` for a ping id already counted');

const pingDescription = [
  'GET, HEAD and POST are accepted alike. A POST body (any type, at most 100 KB) is kept, its first 10 KB, with the ping (a job\'s log tail).',
  'An unknown token answers 404 and says nothing more. Pings are rate-limited per token (429 with Retry-After).',
  'A ping to a disabled check is recorded but changes nothing.',
].join(' ');

export const pingCheck = defineRoute({
  method: 'get',
  path: '/ping/:token',
  operationId: 'pingCheck',
  summary: 'A heartbeat: the job succeeded',
  description: pingDescription,
  tags: ['heartbeat'],
  auth: { kind: 'none' },
  params: PingParams,
  query: PingQuery,
  success: { status: 200, description: 'Counted', schema: PingAnswer },
  errors: [404, 413],
});

export const pingCheckAction = defineRoute({
  method: 'get',
  path: '/ping/:token/:action',
  operationId: 'pingCheckAction',
  summary: 'A heartbeat: the job started, failed, or exited with a code',
  description: `\`start\` measures the run (the next success or fail says how long it took; a start without either within grace_s is down). ${pingDescription}`,
  tags: ['heartbeat'],
  auth: { kind: 'none' },
  params: PingActionParams,
  query: PingQuery,
  success: { status: 200, description: 'Counted', schema: PingAnswer },
  errors: [404, 413],
});

export const postPingCheck = defineRoute({ ...pingCheck, method: 'post', operationId: 'postPingCheck' });
export const postPingCheckAction = defineRoute({ ...pingCheckAction, method: 'post', operationId: 'postPingCheckAction' });

// ---------------------------------------------------------------------------
// The management API: a check's pings, its ping URL, a new token.
// ---------------------------------------------------------------------------

export const PingSchema = z.object({
  kind: z.enum(PING_KINDS),
  exit_code: z.number().int().nullable(),
  rid: z.uuid().nullable(),
  received_at: Timestamp,
  duration_ms: z.number().int().nullable().describe('A success or fail after a start: milliseconds since that start'),
  body: z.string().nullable().describe('The first 10 KB of the request body'),
  user_agent: z.string().nullable(),
  remote_addr: z.string().nullable(),
});

export const PingUrlSchema = z.object({
  token: z.string(),
  ping_url: z.string().describe('`VIGIL_PUBLIC_URL` + `/ping/<token>`; a path alone when VIGIL_PUBLIC_URL is unset (the all-in-one: its own address)'),
});

const notHeartbeat = 'A check that is not a heartbeat check answers 404.';

export const listCheckPings = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id/pings',
  operationId: 'listCheckPings',
  summary: "A heartbeat check's pings, newest first",
  description: notHeartbeat,
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: PageQuery,
  success: { status: 200, description: 'A page of pings, newest first', schema: listOf(PingSchema) },
  errors: [404],
});

export const getCheckPingUrl = defineRoute({
  method: 'get',
  path: '/api/v1/checks/:id/ping-url',
  operationId: 'getCheckPingUrl',
  summary: "A heartbeat check's ping URL",
  description: `The URL is a capability (whoever holds it can report the job as up or down), so only write keys may read it. ${notHeartbeat}`,
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 200, description: 'The ping URL', schema: PingUrlSchema },
  errors: [404],
});

export const rotatePingToken = defineRoute({
  method: 'post',
  path: '/api/v1/checks/:id/ping-token',
  operationId: 'rotatePingToken',
  summary: "Give a heartbeat check a new ping token",
  description: `The old URL stops working at once (404). Recorded in the audit log (never the token). ${notHeartbeat}`,
  tags: ['checks'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 200, description: 'The new ping URL', schema: PingUrlSchema },
  errors: [404],
});

export const heartbeatRoutes = [pingCheck, postPingCheck, pingCheckAction, postPingCheckAction, listCheckPings, getCheckPingUrl, rotatePingToken] as const;

// ---------------------------------------------------------------------------
// When a heartbeat is overdue (pure; the ping route and the evaluator's sweep share it).
// ---------------------------------------------------------------------------

/** Why an overdue heartbeat failed: no ping in period + grace, or a start with no end within grace. */
export type HeartbeatLateness = 'late' | 'run_too_long';

/**
 * When the check fails if no ping comes first, judged from its last counted ping: a success
 * gives period + grace (with a schedule: the first run time after it + grace), a start grace
 * (the run must end by then). None after a fail (the check is down already: the next success
 * recovers it), before the first ping (it waits for it), or when the schedule never runs again.
 */
export function heartbeatDeadline(
  spec: Pick<HeartbeatSpec, 'period_s' | 'grace_s' | 'schedule' | 'timezone'>,
  last: { kind: PingKind; receivedAt: Date } | null,
): { at: Date; reason: HeartbeatLateness } | null {
  if (last === null || last.kind === 'fail') return null;
  const from = last.receivedAt.getTime();
  if (last.kind === 'start') return { at: new Date(from + spec.grace_s * 1000), reason: 'run_too_long' };
  if (spec.schedule !== undefined) {
    const expected = nextCronRun(spec.schedule, spec.timezone, last.receivedAt);
    return expected === null ? null : { at: new Date(expected.getTime() + spec.grace_s * 1000), reason: 'late' };
  }
  return { at: new Date(from + (spec.period_s + spec.grace_s) * 1000), reason: 'late' };
}
