import {
  type ApiScope,
  type BodyOf,
  fieldProblems,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
  type RouteContract,
  summarizeProblems,
} from '@vigil/contracts';
import { HttpError, jsonBody, requestContext } from '@vigil/http';
import type { Logger } from '@vigil/logger';
import type { ErrorRequestHandler, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { type AuditLog, isAudited, refusedPrincipal, statusOfError } from './audit';
import { type IdempotencyStore, runIdempotently } from './idempotency';
import type { ApiKeyPrincipal, RunnerPrincipal } from './principal';
import { validationFailed } from './validation';

/** How a router authenticates its callers; each throws an HttpError (401/403/429) to refuse. */
export interface Authenticators {
  apiKey(req: Request, scope: ApiScope): Promise<ApiKeyPrincipal>;
  runner(req: Request, res: Response): Promise<RunnerPrincipal>;
}

type PrincipalOf<C extends RouteContract> = C['auth'] extends { kind: 'api-key' }
  ? ApiKeyPrincipal
  : C['auth'] extends { kind: 'runner' }
    ? RunnerPrincipal
    : undefined;

export interface RouteInput<C extends RouteContract> {
  params: ParamsOf<C>;
  query: QueryOf<C>;
  body: BodyOf<C>;
  principal: PrincipalOf<C>;
  logger: Logger;
  req: Request;
  res: Response;
}

/** Returns the success body (sent with the contract's success status); 204 routes return nothing. */
export type RouteHandler<C extends RouteContract> = (input: RouteInput<C>) => Promise<ResponseOf<C> | void>;

export interface MountOptions {
  authenticate: Authenticators;
  /** Largest accepted JSON body, in bytes. */
  bodyLimitBytes: number;
  /** Where mutating management requests are recorded (see isAudited); none for the runner API. */
  audit?: AuditLog;
  /** Keeps the answers of management POSTs sent with an `Idempotency-Key` (idempotency.ts); absent: the header is ignored. */
  idempotency?: IdempotencyStore;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: 'path' | 'query' | 'body'): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = fieldProblems(result.error);
  const message = summarizeProblems(problems, result.error.issues.length);
  if (where === 'body') throw validationFailed(problems, result.error.issues.length);
  throw new HttpError(400, where === 'path' ? 'invalid_path' : 'invalid_query', `${where === 'path' ? 'path' : 'query'} parameter ${message}`, {
    problems,
  });
}

function requireJson(req: Request): void {
  if (!req.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json"');
  }
}

/**
 * Mounts one contract on `router`: authenticates the caller as the contract says,
 * validates path, query and body with the contract's own schemas (400 for path and
 * query, 415 for a body that is not JSON, 413 for one too large, 422 naming each bad
 * field), then runs the handler and answers with the contract's success status.
 */
export function mountRoute<C extends RouteContract>(router: Router, contract: C, options: MountOptions, handler: RouteHandler<C>): void {
  const PRINCIPAL = 'vigilPrincipal';
  const audit = options.audit !== undefined && isAudited(contract) ? options.audit : undefined;
  // Authentication comes first, so an unauthenticated client never gets its body read.
  const steps: RequestHandler[] = [
    async (req, res, next) => {
      try {
        if (contract.auth.kind === 'api-key') res.locals[PRINCIPAL] = await options.authenticate.apiKey(req, contract.auth.scope);
        else if (contract.auth.kind === 'runner') res.locals[PRINCIPAL] = await options.authenticate.runner(req, res);
        next();
      } catch (error) {
        next(error);
      }
    },
  ];
  if (contract.body !== undefined) {
    steps.push((req, _res, next) => {
      try {
        requireJson(req);
        next();
      } catch (error) {
        next(error);
      }
    }, jsonBody({ limit: options.bodyLimitBytes }));
  }
  steps.push(async (req, res, next) => {
    try {
      const input = {
        params: parse(contract.params, req.params, 'path'),
        query: parse(contract.query, req.query, 'query'),
        body: parse(contract.body, req.body, 'body'),
        principal: res.locals[PRINCIPAL],
        logger: requestContext(res).logger,
        req,
        res,
      } as RouteInput<C>;
      const output = await runIdempotently(options.idempotency, contract, input, () => handler(input));
      await audit?.record(contract, req, res, { status: res.headersSent ? res.statusCode : contract.success.status, principal: res.locals[PRINCIPAL], output });
      if (res.headersSent) return;
      if (contract.success.status === 204) res.status(204).end();
      else res.status(contract.success.status).json(output);
    } catch (error) {
      next(error);
    }
  });
  // Refused requests (401, 403, 409, 422…) are audited too, with the status they get; a 429 is
  // not: auditing it would give a client over its rate limit one database write per request.
  const auditRefusal: ErrorRequestHandler = (error, req, res, next) => {
    if (statusOfError(error) === 429) return next(error);
    void Promise.resolve(audit?.record(contract, req, res, { status: statusOfError(error), principal: res.locals[PRINCIPAL] ?? refusedPrincipal(error) }))
      .catch(() => undefined)
      .then(() => next(error));
  };
  router[contract.method](contract.path, ...steps, ...(audit === undefined ? [] : [auditRefusal]));
}
