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
});
