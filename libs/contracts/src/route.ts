import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What an API key may do: `read` lists and gets, `write` also changes monitoring, `admin` also manages keys and runners. */
export const API_SCOPES = ['read', 'write', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Who may call a route: anyone, an API key with at least a scope, or a runner with its JWT. */
export type RouteAuth = { readonly kind: 'none' } | { readonly kind: 'api-key'; readonly scope: ApiScope } | { readonly kind: 'runner' };

export type SuccessStatus = 200 | 201 | 202 | 204;

/**
 * One HTTP route, described once: the controller validates requests with these
 * schemas, the OpenAPI document is generated from them, and clients (the CLI, the
 * runner) type their calls with them.
 */
export interface RouteContract {
  readonly method: HttpMethod;
  /** Express style: `/api/v1/sites/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly success: { readonly status: SuccessStatus; readonly description: string; readonly schema?: z.ZodType };
  /** Client error statuses this route answers besides 400, 401, 403, 422 and 429 (e.g. 404, 409, 413). */
  readonly errors?: readonly number[];
}

/**
 * Whether a route takes an `Idempotency-Key` header: every POST of the management API
 * (API-key auth). The controller keeps their answers 24 h per key; the OpenAPI document says so.
 */
export function takesIdempotencyKey(route: Pick<RouteContract, 'method' | 'auth'>): boolean {
  return route.method === 'post' && route.auth.kind === 'api-key';
}

/** Keeps the literal types of a contract so handlers and clients are typed from it. */
export function defineRoute<const C extends RouteContract>(contract: C): C {
  return contract;
}

type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;
type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;

/** What a handler receives, after validation. */
export type ParamsOf<C extends RouteContract> = OutputOf<C['params']>;
export type QueryOf<C extends RouteContract> = OutputOf<C['query']>;
export type BodyOf<C extends RouteContract> = OutputOf<C['body']>;
/** What a client sends. */
export type BodyInputOf<C extends RouteContract> = InputOf<C['body']>;
/** What the route answers on success (what a client receives). */
export type ResponseOf<C extends RouteContract> = C['success']['schema'] extends z.ZodType ? z.input<C['success']['schema']> : undefined;

/** `/api/v1/sites/:id` with `{ id: 'abc' }` → `/api/v1/sites/abc`, each value URL-encoded. */
export function routePath(contract: Pick<RouteContract, 'path'>, params: Record<string, string> = {}): string {
  return contract.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`routePath: missing parameter "${name}" for ${contract.path}`);
    return encodeURIComponent(value);
  });
}
