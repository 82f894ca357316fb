import { type BodyInputOf, type ResponseOf, type RouteContract, routePath } from '@vigil/contracts';
import type { z } from 'zod';

export const REQUEST_TIMEOUT_MS = 10_000;

/** The controller answered with an error: `403 forbidden: This route needs the "admin" scope…`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly details?: unknown,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** The controller could not be asked at all. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

type InputOf<S> = S extends z.ZodType ? z.input<S> : never;

export interface RequestInput<C extends RouteContract> {
  params?: InputOf<C['params']>;
  query?: Partial<InputOf<C['query']>>;
  body?: BodyInputOf<C>;
}

/** A contract whose answer is a page: `{ data, next_cursor }`. */
type ListContract = RouteContract & { query: z.ZodObject };
type ItemOf<C extends RouteContract> = ResponseOf<C> extends { data: Array<infer Item> } ? Item : never;

export interface ApiClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const MAX_PAGE = 500;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function asErrorLike(value: unknown): ErrorLike {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : {};
}

// Duck-typed: fetch's errors may come from another realm (a test runner's), where instanceof fails.
function reasonOf(error: unknown, timeoutMs: number): string {
  const outer = asErrorLike(error);
  if (outer.name === 'TimeoutError' || outer.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  // fetch says only "fetch failed"; what happened (ECONNREFUSED, ENOTFOUND…) is in its cause.
  const cause = asErrorLike(outer.cause);
  if (typeof cause.message === 'string' && cause.message !== '') return cause.message;
  if (typeof cause.code === 'string') return cause.code;
  return typeof outer.message === 'string' ? outer.message : String(error);
}

/** The management API, typed by its contracts. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get hasKey(): boolean {
    return this.options.apiKey !== undefined;
  }

  async request<C extends RouteContract>(contract: C, input: RequestInput<C> = {}): Promise<ResponseOf<C>> {
    const url = new URL(`${this.baseUrl}${routePath(contract, input.params as Record<string, string> | undefined)}`);
    for (const [name, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey !== undefined) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        method: contract.method.toUpperCase(),
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new NetworkError(`cannot reach the controller at ${this.baseUrl}: ${reasonOf(error, this.timeoutMs)}`);
    }

    if (response.status !== contract.success.status) throw this.errorOf(response, text);
    if (response.status === 204) return undefined as ResponseOf<C>;
    try {
      return JSON.parse(text) as ResponseOf<C>;
    } catch {
      throw new NetworkError(`the answer from ${this.baseUrl} is not JSON; is it a Vigil controller?`);
    }
  }

  /** Every item of a list, following `next_cursor`, up to `max` items when given. */
  async listAll<C extends ListContract>(contract: C, query: Partial<InputOf<C['query']>> = {}, max?: number): Promise<Array<ItemOf<C>>> {
    const items: Array<ItemOf<C>> = [];
    let cursor: string | undefined;
    for (;;) {
      const limit = Math.min(MAX_PAGE, max === undefined ? MAX_PAGE : max - items.length);
      const page = (await this.request(contract, { query: { ...query, limit, cursor } as Partial<InputOf<C['query']>> })) as {
        data: Array<ItemOf<C>>;
        next_cursor: string | null;
      };
      items.push(...page.data);
      if (page.next_cursor === null || (max !== undefined && items.length >= max)) return max === undefined ? items : items.slice(0, max);
      cursor = page.next_cursor;
    }
  }

  private errorOf(response: Response, text: string): ApiError {
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
      if (body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string') {
        const hint = response.status === 401 && !this.hasKey ? ' (no API key was found: pass --api-key or set VIGIL_API_KEY)' : '';
        return new ApiError(response.status, body.error.code, `${body.error.message}${hint}`, body.error.details);
      }
    } catch {
      // Not the controller's error shape (a proxy's page, say): the status line is all there is.
    }
    const code = response.statusText.toLowerCase().replace(/[^a-z0-9]+/g, '_') || 'error';
    return new ApiError(response.status, code, `unexpected answer from ${this.baseUrl}`);
  }
}
