import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request whose answer the client never got: its backend died while it was in flight. */
export interface CutRequest {
  readonly backend: number;
  readonly method: string;
  readonly path: string;
}

/** What `onNextRequest` waits for: a request sent in full to one backend, not yet answered. */
export interface RequestTrap {
  readonly backend: number;
  readonly method: string;
  readonly path: string;
  /** Run once the request is with the backend (kill it, say); its answer, if any, is then dropped. */
  readonly action: () => Promise<void>;
}

/**
 * A load balancer in front of several controller instances, as a deployment has one: each
 * request goes to the next backend in turn; a backend that refuses the connection (it is down)
 * is passed over for the next one, as a health-checking balancer would. A request that reached
 * a backend which then died is answered 502, and never retried: the client decides.
 */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Requests each backend answered, by index. */
  readonly answered: readonly number[];
  readonly cut: readonly CutRequest[];
  /**
   * Resolves once the next `method path` request has been sent in full to `backend`, `action`
   * has run, and the request has been answered 502, whatever the backend did with it.
   */
  onNextRequest(trap: RequestTrap): Promise<void>;
  close(): Promise<void>;
}

const readBody = (request: http.IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

type Attempt =
  | { kind: 'refused' }
  | { kind: 'answered'; response: http.IncomingMessage }
  | { kind: 'cut'; reason: string; trapped?: () => void };

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const targets = backends.map((url) => new URL(url));
  const answered = targets.map(() => 0);
  const cut: CutRequest[] = [];
  let next = 0;
  let trap: (RequestTrap & { done: () => void; failed: (error: unknown) => void }) | undefined;

  function forward(backend: number, request: http.IncomingMessage, body: Buffer, path: string): Promise<Attempt> {
    const target = targets[backend];
    let upstream: http.ClientRequest | undefined;
    const attempt = new Promise<Attempt>((resolve) => {
      upstream = http.request(
        { host: target.hostname, port: target.port, method: request.method, path, headers: request.headers, agent: false },
        (response) => resolve({ kind: 'answered', response }),
      );
      // Refused: nothing reached the backend, so another may take the request.
      upstream.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'cut', reason: error.message }));
      upstream.end(body);
    });
    const armed = trap;
    if (armed === undefined || armed.backend !== backend || armed.method !== request.method || armed.path !== path) return attempt;
    trap = undefined;
    // Whatever the backend answers meanwhile is dropped: it died with its backend.
    return armed.action().then(
      (): Attempt => {
        upstream?.destroy();
        return { kind: 'cut', reason: 'the backend was stopped while the request was in flight', trapped: armed.done };
      },
      (error: unknown): Attempt => {
        armed.failed(error);
        return { kind: 'cut', reason: `the trap's action failed: ${String(error)}` };
      },
    );
  }

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = request.url ?? '/';
      const first = next;
      next = (next + 1) % targets.length;
      for (let i = 0; i < targets.length; i++) {
        const backend = (first + i) % targets.length;
        const attempt = await forward(backend, request, body, path);
        if (attempt.kind === 'refused') continue;
        if (attempt.kind === 'cut') {
          cut.push({ backend, method: request.method ?? '', path });
          response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_gateway', message: attempt.reason } }));
          attempt.trapped?.();
          return;
        }
        answered[backend] += 1;
        response.writeHead(attempt.response.statusCode ?? 502, attempt.response.headers);
        attempt.response.pipe(response);
        return;
      }
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'no backend is up' } }));
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    cut,
    onNextRequest(wanted) {
      return new Promise((done, failed) => {
        trap = { ...wanted, done: () => done(), failed };
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
