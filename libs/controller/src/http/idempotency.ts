// Idempotency-Key on the management API's POSTs: a client that did not get an answer
// (timeout, dropped connection) sends the same request again with the same key and gets
// the first answer instead of a second site, check, channel or key.
//
// Decisions (docs/security.md, "Idempotency keys"):
// - keys are scoped per API key, kept 24 h from the first request;
// - the request is claimed (a row inserted under a unique (api_key_id, key)) before the
//   handler runs, so two instances racing on the same key cannot both run it: the
//   loser answers 409 `idempotency_request_in_flight` with Retry-After, it does not wait;
// - only a successful answer is kept; a failed request (any error) releases its claim so
//   the client may retry it with the same key;
// - answers that carry a secret shown once (a new API key, a runner's private key) are
//   not kept: a replay answers 409 `idempotency_replay_unavailable`.
import { createHash } from 'node:crypto';
import { createApiKey, createRunner, type RouteContract, rotatePingToken, rotateRunnerKey, takesIdempotencyKey } from '@vigil/contracts';
import { type Database, Prisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { Logger } from '@vigil/logger';
import type { Request, Response } from 'express';
import type { ApiKeyPrincipal } from './principal';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a key is remembered, from its first request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// Printable ASCII: a key is an opaque token (a UUID usually); anything else is a client bug.
const KEY_PATTERN = /^[\x20-\x7e]+$/;

/** Whether a route takes an Idempotency-Key: every POST of the management API (API-key auth). */
export function isIdempotentRoute(contract: Pick<RouteContract, 'method' | 'auth'>): boolean {
  return takesIdempotencyKey(contract);
}

/** The header's key, undefined without the header; 400 when it is empty, too long or not printable ASCII. */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY_PATTERN.test(value)) {
    throw new HttpError(
      400,
      'invalid_idempotency_key',
      `${IDEMPOTENCY_HEADER} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
    );
  }
  return value;
}

function canonical(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  // Object keys sorted: the same fields in another order are the same request.
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** SHA-256 (hex) of the method, the request's path (with its parameters) and its body, keys sorted. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), path, body ?? null], canonical))
    .digest('hex');
}

/** What is kept of an answer: its body, or nothing when it carries a secret. */
export interface StoredResponse {
  body: unknown;
  withheld: boolean;
}

// Answers that show a secret once. Keeping them in clear would make the idempotency table a
// second copy of every API key and runner private key; until they are stored encrypted
// (libs/secrets), they are not kept and cannot be replayed.
const SECRET_ROUTES: ReadonlySet<string> = new Set([createApiKey.path, createRunner.path, rotateRunnerKey.path, rotatePingToken.path]);

/** What to keep of `route`'s answer `body` for replays (the one place to change to keep secrets encrypted). */
export function storableResponse(route: string, body: unknown): StoredResponse {
  if (SECRET_ROUTES.has(route)) return { body: null, withheld: true };
  return { body: body ?? null, withheld: false };
}

/** The body a replay answers with, from what storableResponse kept; undefined when it was withheld. */
export function replayableBody(_route: string, stored: StoredResponse): unknown {
  return stored.withheld ? undefined : stored.body;
}

/** A row as the decision sees it. */
export interface IdempotentRow {
  id: bigint;
  requestHash: string;
  status: number | null;
  responseBody: unknown;
  responseWithheld: boolean;
  createdAt: Date;
}

export type ClaimDecision =
  | { kind: 'expired' }
  | { kind: 'reused' }
  | { kind: 'in-flight' }
  | { kind: 'unavailable' }
  | { kind: 'replay'; status: number; body: unknown };

/** What to do with a request whose key is already taken by `row` (pure). */
export function decideOnExisting(row: IdempotentRow, hash: string, route: string, now: Date): ClaimDecision {
  if (now.getTime() - row.createdAt.getTime() >= IDEMPOTENCY_TTL_MS) return { kind: 'expired' };
  if (row.requestHash !== hash) return { kind: 'reused' };
  if (row.status === null) return { kind: 'in-flight' };
  const body = replayableBody(route, { body: row.responseBody, withheld: row.responseWithheld });
  if (body === undefined) return { kind: 'unavailable' };
  return { kind: 'replay', status: row.status, body };
}

export interface IdempotencyRequest {
  apiKeyId: number;
  key: string;
  hash: string;
  method: string;
  route: string;
}

export type Claim = { kind: 'run'; id: bigint } | { kind: 'replay'; status: number; body: unknown };

/** The idempotent_requests table. */
export interface IdempotencyStore {
  /** Takes the key for this request (run it), or says what to answer instead; throws the 409/422 refusals. */
  claim(request: IdempotencyRequest): Promise<Claim>;
  /** Keeps the answer of a claimed request that succeeded. */
  complete(id: bigint, status: number, route: string, body: unknown): Promise<void>;
  /** Gives the key back after a request that failed, so it may be retried. */
  release(id: bigint): Promise<void>;
}

function refusal(decision: Exclude<ClaimDecision, { kind: 'replay' } | { kind: 'expired' }>, key: string): HttpError {
  switch (decision.kind) {
    case 'reused':
      return new HttpError(
        422,
        'idempotency_key_reused',
        `${IDEMPOTENCY_HEADER} "${key}" was already used for another request; use a new key for a new request`,
      );
    case 'in-flight':
      return new HttpError(409, 'idempotency_request_in_flight', `A request with ${IDEMPOTENCY_HEADER} "${key}" is still in progress; retry shortly`);
    case 'unavailable':
      return new HttpError(
        409,
        'idempotency_replay_unavailable',
        `A request with ${IDEMPOTENCY_HEADER} "${key}" succeeded, but its answer carried a secret shown only once and was not kept`,
      );
  }
}

/** The store on `db`; `now` is the clock (tests). Expired rows are deleted lazily, by claims. */
export function idempotencyStore(db: Database, now: () => Date = () => new Date()): IdempotencyStore {
  const table = db.prisma.idempotentRequest;
  return {
    async claim(request) {
      // A few rounds at most: a row can vanish (released, expired) between the insert and the read.
      for (let attempt = 0; attempt < 5; attempt++) {
        const at = now();
        // Lazy expiry, indexed by created_at: the table holds about 24 h of keyed requests.
        await table.deleteMany({ where: { createdAt: { lte: new Date(at.getTime() - IDEMPOTENCY_TTL_MS) } } });
        const [created] = await table.createManyAndReturn({
          data: [
            {
              apiKeyId: request.apiKeyId,
              key: request.key,
              requestHash: request.hash,
              method: request.method,
              route: request.route,
              createdAt: at,
            },
          ],
          skipDuplicates: true,
          select: { id: true },
        });
        if (created !== undefined) return { kind: 'run', id: created.id };
        const row = await table.findUnique({ where: { apiKeyId_key: { apiKeyId: request.apiKeyId, key: request.key } } });
        if (row === null) continue;
        const decision = decideOnExisting(row, request.hash, request.route, at);
        if (decision.kind === 'replay') return decision;
        if (decision.kind === 'expired') {
          await table.deleteMany({ where: { id: row.id, createdAt: row.createdAt } });
          continue;
        }
        throw refusal(decision, request.key);
      }
      throw new HttpError(409, 'idempotency_request_in_flight', `A request with ${IDEMPOTENCY_HEADER} "${request.key}" is still in progress; retry shortly`);
    },
    async complete(id, status, route, body) {
      const stored = storableResponse(route, body);
      await table.updateMany({
        where: { id, status: null },
        data: {
          status,
          responseBody: stored.body === null ? Prisma.JsonNull : (stored.body as Prisma.InputJsonValue),
          responseWithheld: stored.withheld,
          completedAt: now(),
        },
      });
    },
    async release(id) {
      await table.deleteMany({ where: { id, status: null } });
    },
  };
}

/**
 * Runs a route's handler under its `Idempotency-Key`, if the route takes one and the
 * request has one: a replay answers the kept response itself (with `Idempotent-Replayed:
 * true`) and returns undefined with the headers sent; otherwise the handler's output is
 * returned for mountRoute to send, after it was kept.
 */
export async function runIdempotently<T>(
  store: IdempotencyStore | undefined,
  contract: RouteContract,
  input: { req: Request; res: Response; principal: unknown; logger: Logger },
  run: () => Promise<T>,
): Promise<T | undefined> {
  if (store === undefined || !isIdempotentRoute(contract)) return run();
  const key = parseIdempotencyKey(input.req.get(IDEMPOTENCY_HEADER));
  if (key === undefined) return run();
  const principal = input.principal as ApiKeyPrincipal;
  const claim = await store.claim({
    apiKeyId: principal.keyId,
    key,
    // The body as sent (already validated, so bounded): what the client can reproduce.
    hash: requestHash(contract.method, `${input.req.baseUrl}${input.req.path}`, input.req.body),
    method: contract.method.toUpperCase(),
    route: contract.path,
  });
  if (claim.kind === 'replay') {
    input.res.setHeader(REPLAYED_HEADER, 'true');
    if (claim.status === 204) input.res.status(204).end();
    else input.res.status(claim.status).json(claim.body);
    return undefined;
  }
  let output: T;
  try {
    output = await run();
  } catch (error) {
    // The handler's own error is the answer; failing to release only delays a retry (409) until expiry.
    await store.release(claim.id).catch((releaseError: unknown) => {
      input.logger.warn('could not release an idempotency key after a failed request', { route: contract.path, error: String(releaseError) });
    });
    throw error;
  }
  try {
    await store.complete(claim.id, contract.success.status, contract.path, output);
  } catch (completeError) {
    // The change is made: answer it. The key stays claimed, so a retry gets 409, never a second change.
    input.logger.warn('could not keep the answer of an idempotent request', { route: contract.path, error: String(completeError) });
  }
  return output;
}
