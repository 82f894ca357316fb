import type { RouteContract } from '@vigil/contracts';
import type { Database, Prisma } from '@vigil/db';
import { HttpError, requestContext } from '@vigil/http';
import type { Request, Response } from 'express';
import { ScopeRefusedError } from '../auth/api-keys';
import { auditSummary, resourceTypeOf } from './audit-summary';
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from './idempotency';
import type { ApiKeyPrincipal } from './principal';

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

/** Whether requests to `contract` go to the audit log: the management API's mutating routes. */
export function isAudited(contract: RouteContract): boolean {
  return contract.auth.kind === 'api-key' && MUTATING.has(contract.method);
}

/** Writes one audit row per mutating management request; see mountRoute. Never rejects: a failure is logged. */
export interface AuditLog {
  record(contract: RouteContract, req: Request, res: Response, outcome: { status: number; principal?: ApiKeyPrincipal; output?: unknown }): Promise<void>;
}

/** Who a refusal refused: the key whose scope fell short (its route never got a principal). */
export function refusedPrincipal(error: unknown): ApiKeyPrincipal | undefined {
  return error instanceof ScopeRefusedError ? error.principal : undefined;
}

/** The status the error handler answers `error` with (HttpError, body-parser's errors, else 500). */
export function statusOfError(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function resourceIdOf(req: Request, output: unknown): string | null {
  const params = req.params as Record<string, string | undefined>;
  const fromPath = params['id'] ?? params['slug'];
  if (fromPath !== undefined) return fromPath.slice(0, 200);
  // A create names its new resource in the answer.
  const body = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  const created = body['id'] ?? body['slug'];
  return typeof created === 'string' ? created.slice(0, 200) : null;
}

/**
 * The audit log on `db`. A row is written before the answer is sent, so a client that saw
 * its change acknowledged can find it in the log. A failure to write is logged and does
 * not change the answer: the change itself is already committed.
 */
export function databaseAuditLog(db: Pick<Database, 'prisma'>): AuditLog {
  return {
    async record(contract, req, res, { status, principal, output }) {
      try {
        const body = status === 401 ? undefined : (req.body as unknown);
        const idempotencyKey = req.get(IDEMPOTENCY_HEADER);
        await db.prisma.auditLog.create({
          data: {
            keyId: principal?.keyUuid ?? null,
            keyName: principal?.name ?? null,
            method: contract.method.toUpperCase(),
            route: contract.path,
            resourceType: resourceTypeOf(contract.path),
            resourceId: resourceIdOf(req, output),
            status,
            summary: {
              ...auditSummary(body, req.query as Record<string, unknown>),
              // The Idempotency-Key ties a replay to its first request; a replay changed nothing
              // (it answered with the first request's result, whose resource id it does not know).
              ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey.slice(0, 255) }),
              ...(res.getHeader(REPLAYED_HEADER) === 'true' ? { replayed: true } : {}),
            } as Prisma.InputJsonValue,
          },
        });
      } catch (error) {
        requestContext(res).logger.error('could not write the audit log row', { error, route: contract.path, method: contract.method });
      }
    },
  };
}
