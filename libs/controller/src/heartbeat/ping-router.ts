import {
  MAX_PING_BODY_BYTES,
  MAX_PING_USER_AGENT,
  PING_BODY_EXCERPT_BYTES,
  PING_ID_HEADER,
  PING_TOKEN_PATTERN,
  parsePingAction,
  pingCheck,
  pingCheckAction,
} from '@vigil/contracts';
import type { Database } from '@vigil/db';
import { HttpError } from '@vigil/http';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { createTokenBuckets } from '../runner-api/token-bucket';
import { recordPing } from './ping-store';

export interface PingRouterOptions {
  db: Pick<Database, 'prisma'>;
  pingsPerSecond: number;
  pingBurst: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same answer for a token that does not exist and one that was rotated away: nothing to learn from it. */
const notFound = () => HttpError.notFound('Not found');

/** The first PING_BODY_EXCERPT_BYTES of a body as text (NUL dropped: PostgreSQL text refuses it), or null. */
export function bodyExcerpt(body: unknown): string | null {
  if (!Buffer.isBuffer(body) || body.length === 0) return null;
  // Cut at a byte bound: a character split in two decodes as U+FFFD.
  return body.subarray(0, PING_BODY_EXCERPT_BYTES).toString('utf8').replaceAll('\0', '');
}

/** The ping id: `?rid=` or the X-Vigil-Ping-Id header, a UUID (400 otherwise); undefined when neither. */
function pingIdOf(req: Request): string | undefined {
  const query = req.query['rid'];
  const value = query ?? req.get(PING_ID_HEADER);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !UUID.test(value)) throw new HttpError(400, 'invalid_ping', `rid (or ${PING_ID_HEADER}) must be a UUID`);
  return value.toLowerCase();
}

/**
 * The heartbeat ping URLs (no API key: the token is the capability), GET, HEAD and POST alike:
 * the shape of the token, action and rid are checked before the database is asked; each token
 * has a token bucket on this instance (429 with Retry-After beyond); a body is read up to
 * MAX_PING_BODY_BYTES (413 beyond) and its first PING_BODY_EXCERPT_BYTES kept.
 */
export function pingRouter(options: PingRouterOptions): Router {
  const buckets = createTokenBuckets({ ratePerSecond: options.pingsPerSecond, burst: options.pingBurst });
  const router = express.Router();
  const readBody = express.raw({ type: () => true, limit: MAX_PING_BODY_BYTES });
  const handle: RequestHandler = async (req, res, next) => {
    try {
      const params = req.params as { token: string; action?: string };
      // A token that cannot be one is not found, whatever follows it: nothing is told about it.
      if (!PING_TOKEN_PATTERN.test(params.token)) throw notFound();
      const action = parsePingAction(params.action);
      if (action === undefined) throw new HttpError(400, 'invalid_ping', 'After the token: nothing, start, fail, or an exit code from 0 to 255');
      const rid = pingIdOf(req);
      const taken = buckets.take(params.token);
      if (!taken.ok) {
        res.setHeader('Retry-After', String(taken.retryAfterSeconds));
        throw new HttpError(429, 'too_many_requests', `Too many pings for this check; retry after ${taken.retryAfterSeconds} s`, {
          retry_after_s: taken.retryAfterSeconds,
        });
      }
      const outcome = await recordPing(options.db, {
        token: params.token,
        action,
        rid,
        body: bodyExcerpt(req.body),
        userAgent: req.get('user-agent')?.slice(0, MAX_PING_USER_AGENT) ?? null,
        remoteAddr: req.ip ?? null,
      });
      if (outcome === 'unknown') {
        // Only known tokens keep a bucket: guessed ones must not fill memory.
        buckets.forget(params.token);
        throw notFound();
      }
      res.status(200).type('text/plain').send(outcome === 'duplicate' ? 'OK (duplicate)' : 'OK');
    } catch (error) {
      next(error);
    }
  };
  for (const path of [pingCheck.path, pingCheckAction.path]) {
    // GET routes answer HEAD too (express), without a body.
    router.get(path, handle);
    router.post(path, readBody, handle);
  }
  return router;
}
