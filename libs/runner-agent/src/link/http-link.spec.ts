import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunnerSigner } from '@vigil/runner-auth';
import { createHttpLink } from './http-link';

/** A controller from before `lookahead_ms`: its strict query schema refuses the parameter. */
async function olderController(): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const queries: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    queries.push(url.search);
    response.setHeader('content-type', 'application/json');
    if (Number(url.searchParams.get('limit')) > 500) {
      response.statusCode = 400;
      response.end(JSON.stringify({ error: { code: 'invalid_query', message: 'query parameter limit: Too big: expected number to be <=500' } }));
      return;
    }
    if (url.searchParams.has('lookahead_ms')) {
      response.statusCode = 400;
      response.end(JSON.stringify({ error: { code: 'invalid_query', message: 'query parameter : Unrecognized key: "lookahead_ms"' } }));
      return;
    }
    response.end(JSON.stringify({ runs: [] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const signer = { token: () => 'test-token' } as unknown as RunnerSigner;

describe('the HTTP link', () => {
  it('polls without lookahead_ms, from then on, when the controller refuses the parameter', async () => {
    const controller = await olderController();
    try {
      const link = createHttpLink({ controllerUrl: controller.url, signer, userAgent: 'test' });
      await expect(link.poll(10, 1200)).resolves.toEqual([]);
      await expect(link.poll(10, 1200)).resolves.toEqual([]);
      expect(controller.queries).toEqual(['?limit=10&lookahead_ms=1200', '?limit=10', '?limit=10']);
    } finally {
      await controller.close();
    }
  });

  it('still fails a poll the controller refuses for another reason', async () => {
    const controller = await olderController();
    try {
      const link = createHttpLink({ controllerUrl: controller.url, signer, userAgent: 'test' });
      await expect(link.poll(1000, 1200)).rejects.toMatchObject({ failure: 'refused', message: expect.stringContaining('query parameter limit') });
      expect(controller.queries).toEqual(['?limit=1000&lookahead_ms=1200']);
    } finally {
      await controller.close();
    }
  });

  it("sends the runner's connectivity on every request, as it is at that request, and pings /healthz", async () => {
    const seen: Array<{ path: string; connectivity: string | undefined; authorization: string | undefined }> = [];
    const server = http.createServer((request, response) => {
      seen.push({ path: new URL(request.url ?? '/', 'http://localhost').pathname, connectivity: request.headers['vigil-connectivity'] as string | undefined, authorization: request.headers.authorization });
      response.setHeader('content-type', 'application/json');
      response.statusCode = request.url === '/healthz' ? 503 : 200;
      response.end(request.method === 'POST' ? JSON.stringify({ results: [], accepted: 0, duplicates: 0, rejected: 0 }) : JSON.stringify({ runs: [] }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    let connectivity: 'ok' | 'impaired' = 'ok';
    try {
      const link = createHttpLink({ controllerUrl: `http://127.0.0.1:${port}`, signer, userAgent: 'test', connectivity: () => connectivity });
      await link.poll(1);
      connectivity = 'impaired';
      await link.report([]);
      // Any answer, a 503 included, proves the network reached the controller.
      await expect(link.ping(1000)).resolves.toBeUndefined();
      expect(seen).toEqual([
        { path: '/api/runner/checks', connectivity: 'ok', authorization: 'Bearer test-token' },
        { path: '/api/runner/report', connectivity: 'impaired', authorization: 'Bearer test-token' },
        { path: '/healthz', connectivity: 'impaired', authorization: undefined },
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const gone = createHttpLink({ controllerUrl: `http://127.0.0.1:${port}`, signer, userAgent: 'test' });
    await expect(gone.ping(1000)).rejects.toThrow(/is unreachable: ECONNREFUSED/);
  });
});
