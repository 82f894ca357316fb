// Test support: a loopback HTTP(S) server that records every request and answers as told.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: http.IncomingHttpHeaders;
  /** The body exactly as received. */
  readonly body: string;
}

export interface Answer {
  readonly status: number;
  readonly body?: string;
  /** Wait this long before answering (to test timeouts). */
  readonly delayMs?: number;
}

export interface ReceiverOptions {
  /** Serve https with this key and certificate. */
  readonly tls?: { key: string; cert: string };
  /** The answer to the `index`-th request (0-based); 200 "ok" when absent. */
  readonly respond?: (request: ReceivedRequest, index: number) => Answer;
}

export interface Receiver {
  /** `http(s)://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const index = requests.push(request) - 1;
      const answer = options.respond?.(request, index) ?? { status: 200, body: 'ok' };
      const reply = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
