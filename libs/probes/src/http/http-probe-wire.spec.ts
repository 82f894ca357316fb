import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { HttpSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import type { ProbeContext, ProbeResult } from '../types';
import { httpProbe } from './http-probe';

// What the probe does on the wire that got used to do for it: decoding, redirects that change
// the method or the site, credentials in the URL.

const context: ProbeContext = { userAgent: 'Vigil/1.2.3 (+runner test-runner)', egress: loopbackEgress() };
const TEXT = 'hello, world: all systems go';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Server {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function start(route: (url: URL, response: http.ServerResponse) => void): Promise<Server> {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      route(new URL(request.url ?? '/', 'http://local'), response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function probe(url: string, spec: Record<string, unknown> = {}): Promise<ProbeResult> {
  return httpProbe({ type: 'http', target: url, spec: HttpSpecSchema.parse(spec), timeoutMs: 5000 }, context);
}

describe('httpProbe on the wire', () => {
  let other: Server;
  let server: Server;

  beforeAll(async () => {
    other = await start((_url, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('elsewhere'));
    const elsewhere = other.url;
    server = await start((url, response) => {
      const routes: Record<string, () => void> = {
        '/gzip': () => response.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(TEXT)),
        '/deflate': () => response.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateSync(TEXT)),
        '/deflate-raw': () => response.writeHead(200, { 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(TEXT)),
        '/br': () => response.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(TEXT)),
        '/gzip-shouted': () => response.writeHead(200, [['Content-Encoding', 'GZIP']]).end(zlib.gzipSync(TEXT)),
        '/gzip-twice': () => response.writeHead(200, [['content-encoding', 'gzip'], ['content-encoding', 'gzip']]).end(zlib.gzipSync(zlib.gzipSync(TEXT))),
        '/gzip-empty': () => response.writeHead(200, { 'content-encoding': 'gzip' }).end(),
        '/gzip-broken': () => response.writeHead(200, { 'content-encoding': 'gzip' }).end('not gzip at all'),
        '/see-other': () => response.writeHead(303, { location: '/landed' }).end(),
        '/temporary': () => response.writeHead(307, { location: '/landed' }).end(),
        '/away': () => response.writeHead(302, { location: `${elsewhere}/there` }).end(),
        '/to-ftp': () => response.writeHead(302, { location: 'ftp://127.0.0.1/file' }).end(),
      };
      (routes[url.pathname] ?? (() => response.writeHead(200, { 'content-type': 'text/plain' }).end(TEXT)))();
    });
  });

  afterAll(async () => {
    await Promise.all([server.close(), other.close()]);
  });

  it('asks for a compressed body and reads gzip, deflate (wrapped or raw) and brotli as text', async () => {
    for (const path of ['/gzip', '/deflate', '/deflate-raw', '/br']) {
      const result = await probe(`${server.url}${path}`, { keyword_present: 'all systems go' });
      expect({ path, result }).toMatchObject({ path, result: { ok: true, status_code: 200 } });
    }
    expect(server.seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('reads the encoding whatever the case of its name and value, and leaves a body encoded twice as sent', async () => {
    expect(await probe(`${server.url}/gzip-shouted`, { keyword_present: 'all systems go' })).toMatchObject({ ok: true, status_code: 200 });
    // Two Content-Encoding lines read as "gzip, gzip", which the probe does not decode: the keyword is not seen.
    expect(await probe(`${server.url}/gzip-twice`, { keyword_present: 'all systems go' })).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
  });

  it('takes an empty body sent as gzip as empty, and fails a body that is not what its encoding says', async () => {
    expect(await probe(`${server.url}/gzip-empty`)).toMatchObject({ ok: true, status_code: 200 });
    expect(await probe(`${server.url}/gzip-broken`)).toMatchObject({ ok: false, error_code: 'Z_DATA_ERROR' });
  });

  it('follows a 303 after a POST with a GET without the body, and a 307 with the same method and body', async () => {
    const post = { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } };
    expect(await probe(`${server.url}/see-other`, post)).toMatchObject({ ok: true, details: { redirects: 1 } });
    expect(server.seen.at(-1)).toMatchObject({ method: 'GET', url: '/landed', body: '' });
    expect(server.seen.at(-1)?.headers['content-length']).toBeUndefined();
    expect(await probe(`${server.url}/temporary`, post)).toMatchObject({ ok: true, details: { redirects: 1 } });
    expect(server.seen.at(-1)).toMatchObject({ method: 'POST', url: '/landed', body: 'payload' });
  });

  it('sends credentials from the URL, and neither them nor Authorization and Cookie to another site it is redirected to', async () => {
    const target = server.url.replace('http://', 'http://user:p%40ss@');
    const result = await probe(`${target}/away`, { headers: { Cookie: 'session=1', 'X-Kept': 'yes' } });
    expect(result).toMatchObject({ ok: true, details: { redirects: 1 } });
    expect(server.seen.at(-1)?.headers).toMatchObject({ authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`, cookie: 'session=1' });
    const there = other.seen.at(-1);
    expect(there?.url).toBe('/there');
    expect(there?.headers).toMatchObject({ 'x-kept': 'yes' });
    expect(there?.headers.authorization).toBeUndefined();
    expect(there?.headers.cookie).toBeUndefined();
  });

  it('fails a redirect to a protocol other than http and https', async () => {
    expect(await probe(`${server.url}/to-ftp`)).toMatchObject({ ok: false, error_code: 'ERR_UNSUPPORTED_PROTOCOL' });
  });

  it('reports a dns phase of 0 for an IP literal, and every phase of the exchange', async () => {
    const result = await probe(`${server.url}/`);
    expect(result.timings).toMatchObject({ dns: 0, tcp: expect.any(Number), first_byte: expect.any(Number), download: expect.any(Number) });
    expect(result.timings?.total).toBeGreaterThanOrEqual(result.timings?.first_byte ?? Infinity);
  });

  it('settles at once when its signal was aborted before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = server.seen.length;
    const result = await httpProbe({ type: 'http', target: `${server.url}/`, spec: HttpSpecSchema.parse({}), timeoutMs: 5000 }, { ...context, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error_code: 'ABORTED' });
    expect(server.seen.length).toBe(before);
  });
});
