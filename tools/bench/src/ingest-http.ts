import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpResponse {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly text: string;
  /** From sending the request to the last byte of the response body, in ms. */
  readonly ms: number;
  /** performance.now() when the response was complete. */
  readonly doneAt: number;
}

/** A failure below HTTP: refused or reset connection, timeout. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A minimal keep-alive JSON client on node:http: a simulated runner should cost the machine
 * as little as possible, so that the figures describe the controller, not the client.
 */
export class JsonClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly userAgent: string,
    sockets: number,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  send(method: 'GET' | 'POST', path: string, authorization: string, body?: string): Promise<HttpResponse> {
    const headers: Record<string, string | number> = {
      authorization,
      accept: 'application/json',
      'user-agent': this.userAgent,
    };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = request({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new NetworkError(error.message)));
        res.on('end', () => {
          const doneAt = performance.now();
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            text: Buffer.concat(chunks).toString('utf8'),
            ms: doneAt - start,
            doneAt,
          });
        });
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error: NodeJS.ErrnoException) => reject(new NetworkError(error.code ?? error.message)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
