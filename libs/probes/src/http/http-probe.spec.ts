import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import type { ProbeContext, ProbeResult } from '../types';
import { httpProbe, MAX_RESPONSE_BODY_BYTES } from './http-probe';

const USER_AGENT = 'Vigil/1.2.3 (+runner test-runner)';
const context: ProbeContext = { userAgent: USER_AGENT, egress: loopbackEgress() };

interface ServerState {
  /** Endless responses whose connection is still open. */
  endlessOpen: number;
}

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Routes of the test server; each records what it received. */
function handle(request: http.IncomingMessage, response: http.ServerResponse, received: Received[], state: ServerState): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
    const url = new URL(request.url ?? '/', 'http://local');
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) {
      response.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end(`status ${status[1]}`);
      return;
    }
    switch (url.pathname) {
      case '/ok':
        response.writeHead(200, { 'content-type': 'text/plain' }).end('hello, world: all systems go');
        return;
      case '/redirect':
        response.writeHead(302, { location: '/ok' }).end();
        return;
      case '/redirect-loop':
        response.writeHead(302, { location: '/redirect-loop' }).end();
        return;
      case '/json':
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ status: 'up', version: '2.1.0', data: { items: [{ name: 'a' }, { name: 'b' }], count: 2 }, tags: ['eu', 'prod'], 'content-type': 'x' }),
        );
        return;
      case '/echo':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, headers: request.headers, body }));
        return;
      case '/delayed':
        setTimeout(() => response.writeHead(200).end('late but fine'), 200);
        return;
      case '/hang':
        return; // never answers
      case '/endless': {
        // A body that never ends: only a reader that stops can finish.
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        response.write('start-marker ');
        state.endlessOpen++;
        response.once('close', () => state.endlessOpen--);
        const pump = () => {
          while (!response.destroyed && !response.writableEnded) {
            if (!response.write(chunk)) {
              response.once('drain', pump);
              return;
            }
          }
        };
        pump();
        return;
      }
      default:
        response.writeHead(404).end('not found');
    }
  });
}

interface TestServer {
  url: string;
  received: Received[];
  state: ServerState;
  close: () => Promise<void>;
}

async function listen(server: http.Server | https.Server, protocol: 'http' | 'https', received: Received[], state: ServerState): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${protocol}://127.0.0.1:${port}`,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startHttpServer(): Promise<TestServer> {
  const received: Received[] = [];
  const state: ServerState = { endlessOpen: 0 };
  const server = http.createServer((request, response) => handle(request, response, received, state));
  return listen(server, 'http', received, state);
}

function probe(url: string, spec: Record<string, unknown> = {}, timeoutMs = 5000, ctx: ProbeContext = context): Promise<ProbeResult> {
  return httpProbe({ type: 'http', target: url, spec: HttpSpecSchema.parse(spec), timeoutMs }, ctx);
}

describe('httpProbe', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startHttpServer();
  });

  afterAll(async () => {
    await server.close();
  });

  describe('statuses and timings', () => {
    it('passes a 200 answer and reports its status, latency and timing phases', async () => {
      const result = await probe(`${server.url}/ok`);
      expect(result).toMatchObject({ ok: true, status_code: 200 });
      expect(result.latency_ms).toEqual(expect.any(Number));
      expect(result.timings).toMatchObject({ tcp: expect.any(Number), first_byte: expect.any(Number), total: expect.any(Number) });
      expect(result.timings).not.toHaveProperty('tls');
      expect(result.error_code).toBeUndefined();
    });

    it('fails an unexpected status with the status assertion in details', async () => {
      const result = await probe(`${server.url}/status/503`);
      expect(result).toMatchObject({
        ok: false,
        status_code: 503,
        error_code: 'ASSERTION_FAILED',
        error: 'Status 503 is not one of the expected statuses (2xx, 3xx)',
        details: { assertion: { kind: 'status', expected: ['2xx', '3xx'], actual: 503 } },
      });
    });

    it('accepts a status inside an expected class such as "4xx"', async () => {
      const result = await probe(`${server.url}/status/404`, { expected_statuses: ['4xx'] });
      expect(result).toMatchObject({ ok: true, status_code: 404 });
    });

    it('accepts a status listed as an exact code', async () => {
      const result = await probe(`${server.url}/status/204`, { expected_statuses: [200, 204] });
      expect(result).toMatchObject({ ok: true, status_code: 204 });
    });
  });

  describe('redirects', () => {
    it('follows a redirect and checks the final answer', async () => {
      const result = await probe(`${server.url}/redirect`, { expected_statuses: ['2xx'] });
      expect(result).toMatchObject({ ok: true, status_code: 200, details: { redirects: 1 } });
    });

    it('does not follow a redirect when follow_redirects is false, so a 302 fails against 2xx', async () => {
      const result = await probe(`${server.url}/redirect`, { expected_statuses: ['2xx'], follow_redirects: false });
      expect(result).toMatchObject({ ok: false, status_code: 302, error_code: 'ASSERTION_FAILED' });
    });

    it('fails with ERR_TOO_MANY_REDIRECTS past max_redirects', async () => {
      const result = await probe(`${server.url}/redirect-loop`, { max_redirects: 2 });
      expect(result).toMatchObject({ ok: false, error_code: 'ERR_TOO_MANY_REDIRECTS' });
      expect(result.error).toEqual(expect.any(String));
    });
  });

  describe('keywords', () => {
    it('passes when the keyword is present and the forbidden one absent', async () => {
      const result = await probe(`${server.url}/ok`, { keyword_present: 'all systems go', keyword_absent: 'outage' });
      expect(result).toMatchObject({ ok: true });
    });

    it('fails when the keyword is missing', async () => {
      const result = await probe(`${server.url}/ok`, { keyword_present: 'All Systems Go' });
      expect(result).toMatchObject({
        ok: false,
        error_code: 'ASSERTION_FAILED',
        error: 'The response body does not contain "All Systems Go"',
        details: { assertion: { kind: 'keyword_present', expected: 'All Systems Go' } },
      });
    });

    it('fails when a forbidden keyword is present', async () => {
      const result = await probe(`${server.url}/ok`, { keyword_absent: 'hello' });
      expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', details: { assertion: { kind: 'keyword_absent', expected: 'hello' } } });
    });
  });

  describe('JSON assertions', () => {
    it('passes when every JSON assertion holds', async () => {
      const result = await probe(`${server.url}/json`, {
        json_assertions: [
          { path: '$.status', op: 'equals', value: 'up' },
          { path: '$.status', op: 'not_equals', value: 'down' },
          { path: '$.version', op: 'contains', value: '2.1' },
          { path: '$.tags', op: 'contains', value: 'prod' },
          { path: '$.data.items[1].name', op: 'exists' },
          { path: '$.data.missing', op: 'not_exists' },
          { path: '$.data.count', op: 'greater_than', value: 1 },
          { path: '$.data.count', op: 'less_than', value: 3 },
          { path: '$["content-type"]', op: 'equals', value: 'x' },
        ],
      });
      expect(result).toMatchObject({ ok: true, status_code: 200 });
    });

    it('fails on the first JSON assertion that does not hold, naming path, value and expectation', async () => {
      const result = await probe(`${server.url}/json`, {
        json_assertions: [
          { path: '$.status', op: 'equals', value: 'up' },
          { path: '$.data.count', op: 'greater_than', value: 5 },
          { path: '$.status', op: 'equals', value: 'never checked' },
        ],
      });
      expect(result).toMatchObject({
        ok: false,
        error_code: 'ASSERTION_FAILED',
        error: 'JSON path $.data.count is 2; expected it to be greater than 5',
        details: { assertion: { kind: 'json', path: '$.data.count', op: 'greater_than', expected: 5, actual: 2 } },
      });
    });

    it('fails JSON assertions on a body that is not JSON', async () => {
      const result = await probe(`${server.url}/ok`, { json_assertions: [{ path: '$.status', op: 'exists' }] });
      expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', details: { assertion: { kind: 'json', actual: 'not JSON' } } });
    });
  });

  describe('bounded body', () => {
    it('stops reading a body that never ends at 1 MiB and says it cut it', async () => {
      const result = await probe(`${server.url}/endless`, { keyword_present: 'start-marker' }, 10_000);
      expect(result).toMatchObject({ ok: true, status_code: 200, details: { body_truncated: true } });
      expect(MAX_RESPONSE_BODY_BYTES).toBe(1024 * 1024);
    });

    it('closes the connection of a body it cut', async () => {
      await probe(`${server.url}/endless`, {}, 10_000);
      for (let waited = 0; server.state.endlessOpen > 0 && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.state.endlessOpen).toBe(0);
    });

    it('does not see a keyword beyond the first 1 MiB', async () => {
      const result = await probe(`${server.url}/endless`, { keyword_present: 'never-sent' }, 10_000);
      expect(result).toMatchObject({
        ok: false,
        error_code: 'ASSERTION_FAILED',
        error: 'The response body (in its first 1 MiB) does not contain "never-sent"',
        details: { body_truncated: true },
      });
    });

    it('keeps memory bounded while cutting many endless bodies', async () => {
      const before = process.memoryUsage().rss;
      for (let round = 0; round < 5; round++) {
        const results = await Promise.all(Array.from({ length: 10 }, () => probe(`${server.url}/endless`, { keyword_absent: 'zzz' }, 10_000)));
        expect(results.every((result) => result.ok && result.details?.['body_truncated'] === true)).toBe(true);
      }
      // 50 endless bodies read whole would need unbounded memory; cut at 1 MiB they need at most ~50 MiB in all.
      expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
    });
  });

  describe('network errors', () => {
    it('reports ETIMEDOUT for a server that never answers, within the timeout plus a second', async () => {
      const started = Date.now();
      const result = await probe(`${server.url}/hang`, {}, 300);
      expect(Date.now() - started).toBeLessThan(300 + 1000);
      expect(result).toMatchObject({ ok: false, error_code: 'ETIMEDOUT' });
      expect(result.error).toEqual(expect.any(String));
    });

    it('reports ECONNREFUSED for a closed port', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await probe(`http://127.0.0.1:${port}/`);
      expect(result).toMatchObject({ ok: false, error_code: 'ECONNREFUSED' });
      expect(result.status_code).toBeUndefined();
    });

    it('leaves no listener on the context signal once a run settles, passed, failed or timed out', async () => {
      // The runner hands a finished run's signal to its next run: a listener left behind would pile up.
      const signal = new AbortController().signal;
      await probe(`${server.url}/ok`, {}, 5000, { ...context, signal });
      await probe(`${server.url}/status/500`, {}, 5000, { ...context, signal });
      await probe(`${server.url}/hang`, {}, 200, { ...context, signal });
      await probe('http://127.0.0.1:1/', {}, 5000, { ...context, signal });
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    });

    it('reports ABORTED when the context signal aborts the run', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const result = await probe(`${server.url}/hang`, {}, 5000, { ...context, signal: controller.signal });
      expect(result).toMatchObject({ ok: false, error_code: 'ABORTED' });
    });
  });

  describe('latency', () => {
    it('fails a response slower than max_latency_ms', async () => {
      const result = await probe(`${server.url}/delayed`, { max_latency_ms: 50 });
      expect(result).toMatchObject({
        ok: false,
        status_code: 200,
        error_code: 'ASSERTION_FAILED',
        details: { assertion: { kind: 'max_latency', expected: 50 } },
      });
      expect(result.latency_ms).toBeGreaterThan(50);
    });
  });

  describe('request', () => {
    it('closes its connection once the answer is read, without half-closing it first', async () => {
      const port = Number(new URL(server.url).port);
      const ended: number[] = [];
      const end = net.Socket.prototype.end;
      const spy = jest.spyOn(net.Socket.prototype, 'end').mockImplementation(function (this: net.Socket, ...args: Parameters<net.Socket['end']>) {
        ended.push(this.remotePort ?? 0);
        return end.apply(this, args);
      });
      try {
        for (const path of ['/ok', '/status/204']) expect(await probe(`${server.url}${path}`)).toMatchObject({ ok: true });
        expect(await probe(`${server.url}/ok`, { method: 'HEAD' })).toMatchObject({ ok: true });
      } finally {
        spy.mockRestore();
      }
      // The server's sockets end theirs (their remote port is the probe's); the probe's own socket, whose remote port is the server's, is destroyed.
      expect(ended).not.toContain(port);
    });

    it('sends the runner User-Agent by default', async () => {
      await probe(`${server.url}/ok`);
      expect(server.received.at(-1)?.headers['user-agent']).toBe(USER_AGENT);
    });

    it("sends the check's own User-Agent, whatever the header name's case", async () => {
      await probe(`${server.url}/ok`, { headers: { 'USER-AGENT': 'custom-agent/1.0' } });
      expect(server.received.at(-1)?.headers['user-agent']).toBe('custom-agent/1.0');
    });

    it('sends each run the User-Agent of its own context and credentials of its own URL, runs sharing one spec', async () => {
      const spec = HttpSpecSchema.parse({ headers: { 'X-Probe': 'shared' } });
      const run = (target: string, userAgent: string) => httpProbe({ type: 'http', target, spec, timeoutMs: 5000 }, { ...context, userAgent });
      await run(`${server.url.replace('://', '://ann:secret@')}/ok`, 'agent-a/1');
      expect(server.received.at(-1)?.headers).toMatchObject({ 'user-agent': 'agent-a/1', 'x-probe': 'shared', authorization: `Basic ${Buffer.from('ann:secret').toString('base64')}` });
      await run(`${server.url}/ok`, 'agent-b/2');
      expect(server.received.at(-1)?.headers).toMatchObject({ 'user-agent': 'agent-b/2', 'x-probe': 'shared' });
      expect(server.received.at(-1)?.headers.authorization).toBeUndefined();
      expect(spec.headers).toEqual({ 'X-Probe': 'shared' });
    });

    it('sends the method, headers and body of the spec', async () => {
      const result = await probe(`${server.url}/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Probe': 'yes' },
        body: '{"ping":true}',
        json_assertions: [{ path: '$.method', op: 'equals', value: 'POST' }],
      });
      expect(result).toMatchObject({ ok: true, status_code: 200 });
      const received = server.received.at(-1);
      expect(received).toMatchObject({ method: 'POST', url: '/echo', body: '{"ping":true}' });
      expect(received?.headers).toMatchObject({ 'content-type': 'application/json', 'x-probe': 'yes' });
    });

    it('sends a DELETE without a body and does not wait for one', async () => {
      const result = await probe(`${server.url}/echo`, { method: 'DELETE' });
      expect(result).toMatchObject({ ok: true, status_code: 200 });
      expect(server.received.at(-1)).toMatchObject({ method: 'DELETE', body: '' });
    });

    it('sends a HEAD and reads no body', async () => {
      const result = await probe(`${server.url}/ok`, { method: 'HEAD' });
      expect(result).toMatchObject({ ok: true, status_code: 200 });
      expect(server.received.at(-1)?.method).toBe('HEAD');
    });
  });
});

describe('httpProbe over HTTPS with a self-signed certificate', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-http-probe-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const received: Received[] = [];
    const state: ServerState = { endlessOpen: 0 };
    const tlsServer = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (request, response) =>
      handle(request, response, received, state),
    );
    server = await listen(tlsServer, 'https', received, state);
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails with DEPTH_ZERO_SELF_SIGNED_CERT when verify_tls is true', async () => {
    const result = await probe(`${server.url}/ok`);
    expect(result).toMatchObject({ ok: false, error_code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(result.error).toEqual(expect.any(String));
  });

  it('passes and reports a tls phase when verify_tls is false', async () => {
    const result = await probe(`${server.url}/ok`, { verify_tls: false });
    expect(result).toMatchObject({ ok: true, status_code: 200 });
    expect(result.timings).toMatchObject({ tls: expect.any(Number), total: expect.any(Number) });
  });
});
