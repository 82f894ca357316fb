import { HttpError } from '@vigil/http';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Authenticators } from '../http/mount-route';
import type { ApiKeyPrincipal } from '../http/principal';

/**
 * Requests per minute, or false for no limit. Counts live in this process (express-rate-limit's
 * memory store): behind a load balancer each instance allows the full amount, so the limits
 * protect an instance and slow a guessing client down; they are not a fleet-wide quota.
 */
export interface RateLimits {
  /** Per API key, on the management API (`/api/v1`). */
  apiPerMinute: number | false;
  /** Per client address, on the public status pages (`/status/:slug`, `/api/v1/public/...`) and the heartbeat ping URLs (`/ping/...`). */
  publicPerMinute: number | false;
  /** Failed authentications (401) per client address; beyond, every authenticated route answers 429 for the rest of the minute. */
  authFailuresPerMinute: number | false;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { apiPerMinute: 1200, publicPerMinute: 300, authFailuresPerMinute: 30 };

/** Where the public status pages live; the rest of the public routes (health, metrics, OpenAPI) are not limited. */
export const PUBLIC_PAGE_PATHS = ['/status', '/api/v1/public', '/ping'];

const WINDOW_MS = 60_000;
const WINDOW_S = WINDOW_MS / 1000;

/** The key of a client address: the address, or its /56 for IPv6 (one host holds a whole prefix). */
function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

function retryAfterOf(res: Response): number {
  return Number(res.getHeader('Retry-After') ?? WINDOW_S);
}

/**
 * A fixed one-minute window with the IETF draft-8 `RateLimit` and `RateLimit-Policy`
 * headers on every counted answer, and `Retry-After` plus a 429 in the project's error
 * shape beyond `limit`.
 */
function minuteLimiter(options: {
  name: string;
  limit: number;
  keyGenerator?: (req: Request, res: Response) => string;
  refusal: (limit: number) => string;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: options.name,
    ...(options.keyGenerator === undefined ? {} : { keyGenerator: options.keyGenerator }),
    handler: (_req, res, next) => {
      const retryAfter = retryAfterOf(res);
      next(new HttpError(429, 'too_many_requests', `${options.refusal(options.limit)}; retry after ${retryAfter} s`, { retry_after_s: retryAfter }));
    },
  });
}

/** Runs a middleware as a step of an authenticator: resolves when it calls next(), rejects with what it passes on. */
function runMiddleware(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void handler(req, res, (error?: unknown) => (error === undefined || error === 'route' ? resolve() : reject(error)));
  });
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpError && error.status === 401;
}

/** Counts failed authentications per address, and refuses an address over its count before it may try again. */
function authFailureGuard(limit: number) {
  const name = 'auth-failures';
  const refusal = (n: number) => `Too many failed authentications from this address (more than ${n} a minute)`;
  const counter = minuteLimiter({ name, limit, keyGenerator: clientKey, refusal });
  return {
    /** Before authenticating: 429 once this address has failed `limit` times in the window. */
    async check(req: Request, res: Response): Promise<void> {
      const info = await counter.getKey(clientKey(req));
      if (info === undefined || info.totalHits < limit) return;
      const resetAt = info.resetTime?.getTime() ?? Date.now() + WINDOW_MS;
      const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      res.append('RateLimit', `"${name}"; r=0; t=${retryAfter}`);
      res.append('RateLimit-Policy', `"${name}"; q=${limit}; w=${WINDOW_S}`);
      throw new HttpError(429, 'too_many_requests', `${refusal(limit)}; retry after ${retryAfter} s`, { retry_after_s: retryAfter });
    },
    /** After a 401: one more failure for this address (a 429 instead when it goes over). */
    count: (req: Request, res: Response) => runMiddleware(counter, req, res),
  };
}

/**
 * Wraps the authenticators with the limits: an address over its failed-authentication
 * count is refused before its credentials are even looked at (runner JWTs included), each
 * 401 counts against it, and an authenticated API key then takes one request from its own
 * per-minute allowance. Runners keep their own token bucket (see auth/runner.ts).
 */
export function rateLimitedAuthenticators(inner: Authenticators, limits: RateLimits): Authenticators {
  const failures = limits.authFailuresPerMinute === false ? undefined : authFailureGuard(limits.authFailuresPerMinute);
  const keyOf = new WeakMap<Request, ApiKeyPrincipal>();
  const perKey =
    limits.apiPerMinute === false
      ? undefined
      : minuteLimiter({
          name: 'api-key',
          limit: limits.apiPerMinute,
          keyGenerator: (req) => `key:${keyOf.get(req)?.keyId ?? 'unknown'}`,
          refusal: (n) => `Too many requests with this API key (more than ${n} a minute)`,
        });

  async function guarded<P>(req: Request, res: Response, authenticate: () => Promise<P>): Promise<P> {
    await failures?.check(req, res);
    try {
      return await authenticate();
    } catch (error) {
      if (failures !== undefined && isUnauthorized(error)) await failures.count(req, res);
      throw error;
    }
  }

  return {
    async apiKey(req, scope) {
      // express links each request to its response; the API key authenticator itself needs only the request.
      const res = req.res as Response;
      const principal = await guarded(req, res, () => inner.apiKey(req, scope));
      if (perKey !== undefined) {
        keyOf.set(req, principal);
        await runMiddleware(perKey, req, res);
      }
      return principal;
    },
    runner: (req, res) => guarded(req, res, () => inner.runner(req, res)),
  };
}

/** The per-address limit of the public status pages, or nothing when it is off. */
export function publicPageLimiter(limits: RateLimits): RequestHandler | undefined {
  if (limits.publicPerMinute === false) return undefined;
  return minuteLimiter({
    name: 'public',
    limit: limits.publicPerMinute,
    keyGenerator: clientKey,
    refusal: (n) => `Too many requests for public pages from this address (more than ${n} a minute)`,
  });
}

/** The rate-limit settings of the environment (libs/config rateLimitEnv), as ControllerDeps takes them. */
export function rateLimitOptionsFrom(config: {
  VIGIL_RATE_LIMIT_API: number | false;
  VIGIL_RATE_LIMIT_PUBLIC: number | false;
  VIGIL_RATE_LIMIT_AUTH_FAILURES: number | false;
  VIGIL_TRUST_PROXY: false | number | string[];
}): { rateLimits: RateLimits; trustProxy: false | number | string[] } {
  return {
    rateLimits: {
      apiPerMinute: config.VIGIL_RATE_LIMIT_API,
      publicPerMinute: config.VIGIL_RATE_LIMIT_PUBLIC,
      authFailuresPerMinute: config.VIGIL_RATE_LIMIT_AUTH_FAILURES,
    },
    trustProxy: config.VIGIL_TRUST_PROXY,
  };
}
