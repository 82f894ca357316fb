import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server that can go away and come back at the same address, as a restarted process would. */
export interface RestartableServer {
  /** `http://127.0.0.1:<port>`, the same across restarts. */
  readonly url: string;
  readonly running: boolean;
  /**
   * Stops at once, as a crashed process would: open connections (requests in flight
   * included) are cut, so a request the app already handled may lose its response.
   */
  stop(): Promise<void>;
  /** Listens again on the same port with a new server over the same listener. */
  start(): Promise<void>;
}

function listen(listener: RequestListener, port: number): Promise<http.Server> {
  const server = http.createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export async function serveRestartably(listener: RequestListener): Promise<RestartableServer> {
  let server: http.Server | undefined = await listen(listener, 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get running() {
      return server !== undefined;
    },
    async stop() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      const closed = new Promise<void>((resolve, reject) => closing.close((error) => (error ? reject(error) : resolve())));
      closing.closeAllConnections();
      await closed;
    },
    async start() {
      server ??= await listen(listener, port);
    },
  };
}
