import { type BodyInputOf, MAX_PAGE_SIZE, type ResponseOf, type RouteContract, routePath } from '@vigil/contracts';

const REQUEST_TIMEOUT_MS = 10_000;

export interface CallInput<C extends RouteContract> {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string | number | undefined>;
  readonly body?: BodyInputOf<C>;
}

/** A route answered with something other than its success status. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Calls the management API over HTTP as one API key. */
export type ApiCall = <C extends RouteContract>(route: C, input?: CallInput<C>) => Promise<ResponseOf<C>>;

/**
 * A caller of a controller's public API at `baseUrl` (over HTTP, as any client does) that
 * expects each route's success status and checks each answer against the route's own response
 * schema: what the tests read is what the contract promises.
 */
export function apiClient(baseUrl: string, apiKey: string): ApiCall {
  const base = baseUrl.replace(/\/+$/, '');
  return async (route, input = {}) => {
    const url = new URL(`${base}${routePath(route, input.params)}`);
    for (const [name, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const what = `${route.method.toUpperCase()} ${url.pathname}${url.search}`;
    const response = await fetch(url, {
      method: route.method.toUpperCase(),
      headers: { authorization: `Bearer ${apiKey}`, ...(input.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error: Error) => {
      throw new ApiCallError(`${what} failed: ${(error.cause as Error | undefined)?.message ?? error.message}`, 0);
    });
    const text = await response.text();
    if (response.status !== route.success.status) throw new ApiCallError(`${what} answered ${response.status}: ${text.slice(0, 500)}`, response.status);
    const { schema } = route.success;
    return (schema === undefined ? undefined : schema.parse(JSON.parse(text))) as ResponseOf<typeof route>;
  };
}

type ItemOf<C extends RouteContract> = ResponseOf<C> extends { data: Array<infer Item> } ? Item : never;

/** Every item of a list route, following `next_cursor`. */
export async function listAll<C extends RouteContract>(
  call: ApiCall,
  route: C,
  input: Pick<CallInput<C>, 'params' | 'query'> = {},
): Promise<Array<ItemOf<C>>> {
  const items: Array<ItemOf<C>> = [];
  let cursor: string | undefined;
  do {
    const page = (await call(route, { params: input.params, query: { ...input.query, limit: MAX_PAGE_SIZE, cursor } })) as { data: Array<ItemOf<C>>; next_cursor: string | null };
    items.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
