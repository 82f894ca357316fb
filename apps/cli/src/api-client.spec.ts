import { createRunner, getSite, listRunners, revokeRunner } from '@vigil/contracts';
import { ApiClient, ApiError, NetworkError } from './api-client';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that records each call and answers from `answer`. */
function fakeFetch(answer: (call: Call) => Response | Promise<Response>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    const call = { url: String(input), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, body: init?.body as string | undefined };
    calls.push(call);
    return answer(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the API client', () => {
  it('sends the method, path, query, key and JSON body the contract describes', async () => {
    const { fetch, calls } = fakeFetch(() => json(201, { slug: 'us-1' }));
    const client = new ApiClient({ baseUrl: 'http://vigil.test:8080/', apiKey: 'vk_secret', fetch });
    expect(await client.request(createRunner, { body: { slug: 'us-1', name: 'Virginia' } })).toEqual({ slug: 'us-1' });
    expect(calls).toEqual([
      {
        url: 'http://vigil.test:8080/api/v1/runners',
        method: 'POST',
        headers: { accept: 'application/json', authorization: 'Bearer vk_secret', 'content-type': 'application/json' },
        body: '{"slug":"us-1","name":"Virginia"}',
      },
    ]);
  });

  it('fills in and encodes path parameters, and answers undefined for a 204', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(new ApiClient({ baseUrl: 'http://vigil.test', fetch }).request(revokeRunner, { params: { slug: 'us-1' } })).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ url: 'http://vigil.test/api/v1/runners/us-1', method: 'DELETE', headers: { accept: 'application/json' } });
  });

  it("turns the controller's error shape into an ApiError with status, code and message", async () => {
    const { fetch } = fakeFetch(() => json(404, { error: { code: 'not_found', message: 'No site with id x' } }));
    const error = await new ApiClient({ baseUrl: 'http://vigil.test', apiKey: 'k', fetch })
      .request(getSite, { params: { id: '11111111-1111-4111-8111-111111111111' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('404 not_found: No site with id x');
  });

  it('says where to put a key when the controller wants one and none was sent', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'Send an API key' } }));
    await expect(new ApiClient({ baseUrl: 'http://vigil.test', fetch }).request(listRunners)).rejects.toThrow(
      '401 unauthorized: Send an API key (no API key was found: pass --api-key or set VIGIL_API_KEY)',
    );
  });

  it('reports an answer in another shape by its status line', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(new ApiClient({ baseUrl: 'http://vigil.test', fetch }).request(listRunners)).rejects.toThrow(
      '502 bad_gateway: unexpected answer from http://vigil.test',
    );
  });

  it('gives up after its timeout with a NetworkError that says so', async () => {
    const fetch = ((_input: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof globalThis.fetch;
    const error = await new ApiClient({ baseUrl: 'http://vigil.test', fetch, timeoutMs: 20 })
      .request(listRunners)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('cannot reach the controller at http://vigil.test: no answer within 0.02 s');
  });

  it('follows next_cursor until the last page, or until it has max items', async () => {
    const pages: Record<string, { data: number[]; next_cursor: string | null }> = {
      '': { data: [1, 2], next_cursor: 'b' },
      b: { data: [3, 4], next_cursor: 'c' },
      c: { data: [5], next_cursor: null },
    };
    const { fetch, calls } = fakeFetch((call) => json(200, pages[new URL(call.url).searchParams.get('cursor') ?? '']));
    const client = new ApiClient({ baseUrl: 'http://vigil.test', fetch });
    expect(await client.listAll(listRunners)).toEqual([1, 2, 3, 4, 5]);
    expect(new URL(calls[0].url).searchParams.get('limit')).toBe('500');
    calls.length = 0;
    expect(await client.listAll(listRunners, {}, 3)).toEqual([1, 2, 3]);
    expect(calls.map((call) => new URL(call.url).searchParams.get('limit'))).toEqual(['3', '1']);
  });
});
