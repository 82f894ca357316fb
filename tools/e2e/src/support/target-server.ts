import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The endpoint the checks probe: answers 200 to anything after `delayMs`, and counts what it was asked. */
export interface TargetServer {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startTargetServer(options: { delayMs: number }): Promise<TargetServer> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((_request, response) => {
    requests += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }, options.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
