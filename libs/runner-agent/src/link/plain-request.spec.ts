import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { plainRequest } from './plain-request';

async function serve(handler: http.RequestListener): Promise<{ url: string; sockets: Set<Socket>; close(): Promise<void> }> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a plain request', () => {
  const agent = new http.Agent({ keepAlive: true });
  afterAll(() => agent.destroy());

  it('sends the method, headers and body, reads the whole answer, and reuses the connection', async () => {
    const seen: Array<{ method?: string; type?: string; body: string }> = [];
    const server = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method, type: request.headers['content-type'], body: Buffer.concat(chunks).toString() });
        response.writeHead(429, 'Slow Down', { 'retry-after': '3' }).end('é'.repeat(70_000));
      });
    });
    try {
      const body = JSON.stringify({ a: 1 });
      const first = await plainRequest(new URL(`${server.url}/x`), { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 5000, agent });
      expect(first).toMatchObject({ statusCode: 429, statusMessage: 'Slow Down', headers: { 'retry-after': '3' } });
      expect(first.body).toBe('é'.repeat(70_000));
      await plainRequest(new URL(`${server.url}/y`), { method: 'GET', headers: {}, timeoutMs: 5000, agent });
      expect(seen).toEqual([
        { method: 'POST', type: 'application/json', body },
        { method: 'GET', type: undefined, body: '' },
      ]);
      expect(server.sockets.size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('fails with ETIMEDOUT when the whole answer does not come in time, and closes the connection', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      response.write('a start, and then nothing');
    });
    try {
      const started = Date.now();
      await expect(plainRequest(new URL(server.url), { method: 'GET', headers: {}, timeoutMs: 200, agent })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(Date.now() - started).toBeLessThan(2000);
      const [socket] = server.sockets;
      if (!socket?.closed) await once(socket as Socket, 'close');
    } finally {
      await server.close();
    }
  });

  it('fails with ECONNRESET when the connection closes before the whole answer', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('ten bytes.');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    try {
      await expect(plainRequest(new URL(server.url), { method: 'GET', headers: {}, timeoutMs: 5000, agent })).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      await server.close();
    }
  });

  it('fails with the connect error of a closed port', async () => {
    const server = await serve(() => undefined);
    const { url } = server;
    await server.close();
    await expect(plainRequest(new URL(url), { method: 'GET', headers: {}, timeoutMs: 5000, agent })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
