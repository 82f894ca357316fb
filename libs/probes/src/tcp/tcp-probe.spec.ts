import net from 'node:net';
import tls from 'node:tls';
import { TcpSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import { createTestPki, daysFromNow, type TestPki } from '../testing-certs';
import { createTcpProbe, MAX_TCP_READ_BYTES, tcpProbe } from './tcp-probe';

const context = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress() };
const servers: net.Server[] = [];

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A port nobody listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(port: number, spec: Record<string, unknown> = {}, timeoutMs = 5_000) {
  return { type: 'tcp' as const, target: `127.0.0.1:${port}`, spec: TcpSpecSchema.parse(spec), timeoutMs };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('tcpProbe', () => {
  const sockets = new Set<net.Socket>();
  const track = (server: net.Server) => {
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    return server;
  };
  afterEach(() => sockets.forEach((socket) => socket.destroy()));

  it('passes when the port accepts a connection, with the connect time and the total', async () => {
    const port = await listen(track(net.createServer()));
    const result = await tcpProbe(run(port), context);
    expect(result).toMatchObject({ ok: true });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    expect(result.timings?.tcp).toBeGreaterThanOrEqual(0);
    expect(result.timings?.total).toBeGreaterThanOrEqual(result.timings?.tcp ?? 0);
  });

  it('passes when the server sends the expected banner', async () => {
    const port = await listen(track(net.createServer((socket) => socket.write('220 mail.example.com ESMTP ready\r\n'))));
    expect(await tcpProbe(run(port, { expect: 'ESMTP' }), context)).toMatchObject({ ok: true });
  });

  it('finds the expected text even when it arrives split across packets', async () => {
    const port = await listen(
      track(
        net.createServer((socket) => {
          socket.write('+OK Dove');
          setTimeout(() => socket.write('cot ready\r\n'), 50);
        }),
      ),
    );
    expect(await tcpProbe(run(port, { expect: 'Dovecot' }), context)).toMatchObject({ ok: true });
  });

  it('sends the request text and matches the answer to it', async () => {
    const port = await listen(
      track(
        net.createServer((socket) => {
          socket.on('data', (data) => socket.write(data.toString() === 'PING\r\n' ? '+PONG\r\n' : '-ERR\r\n'));
        }),
      ),
    );
    expect(await tcpProbe(run(port, { send: 'PING\r\n', expect: '+PONG' }), context)).toMatchObject({ ok: true });
    expect(await tcpProbe(run(port, { send: 'PONG\r\n', expect: '+PONG' }, 500), context)).toMatchObject({
      ok: false,
      error_code: 'ASSERTION_FAILED',
    });
  });

  it('passes once the text to send is written when nothing is expected', async () => {
    let received = '';
    let closed: Promise<unknown> = Promise.resolve();
    const port = await listen(
      track(net.createServer((socket) => (closed = new Promise((resolve) => socket.on('data', (data) => (received += data)).on('close', resolve))))),
    );
    expect(await tcpProbe(run(port, { send: 'hello\n' }), context)).toMatchObject({ ok: true });
    await closed;
    expect(received).toBe('hello\n');
  });

  it('fails with what was received when the banner does not contain the expected text', async () => {
    const port = await listen(track(net.createServer((socket) => socket.end('  SSH-2.0-OpenSSH_9.6\r\n'))));
    const result = await tcpProbe(run(port, { expect: 'ESMTP' }), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', details: { received: 'SSH-2.0-OpenSSH_9.6' } });
    expect(result.error).toContain('"SSH-2.0-OpenSSH_9.6"');
  });

  it('fails when the peer sends more than 64 KiB without the expected text', async () => {
    const port = await listen(track(net.createServer((socket) => socket.write('x'.repeat(MAX_TCP_READ_BYTES * 2)))));
    const result = await tcpProbe(run(port, { expect: 'never' }), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
    expect(result.error).toContain(`${MAX_TCP_READ_BYTES} bytes`);
    expect(JSON.stringify(result.details).length).toBeLessThan(2_000);
  });

  it('fails with ASSERTION_FAILED at the timeout when a server accepts and never answers', async () => {
    const port = await listen(track(net.createServer()));
    const started = Date.now();
    const result = await tcpProbe(run(port, { expect: 'READY' }, 300), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
    expect(result.error).toContain('within 300 ms; received nothing');
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
    // The probe closed its socket: the server sees the connection end.
    await new Promise<void>((resolve) => (sockets.size === 0 ? resolve() : [...sockets][0].on('close', () => resolve())));
  });

  it('fails with ECONNREFUSED on a port nobody listens on', async () => {
    const result = await tcpProbe(run(await closedPort()), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ECONNREFUSED' });
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('answers ABORTED when the context signal aborts', async () => {
    const port = await listen(track(net.createServer()));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await tcpProbe(run(port, { expect: 'READY' }, 10_000), { ...context, signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error_code: 'ABORTED' });
  });

  it('refuses a target that is not host:port', async () => {
    expect(await tcpProbe({ ...run(1), target: 'no port here' }, context)).toMatchObject({ ok: false, error_code: 'INVALID_TARGET' });
  });
});

describe('tcpProbe with tls', () => {
  let pki: TestPki;
  beforeAll(() => (pki = createTestPki()));
  afterAll(() => pki.dispose());

  async function tlsServer(certificate: { key: string; cert: string }): Promise<number> {
    const server = tls.createServer(certificate, (socket) => socket.end('* OK IMAP4rev1 ready\r\n'));
    server.on('tlsClientError', () => undefined);
    return listen(server);
  }

  it('passes over TLS with a certificate from a trusted CA, and reports the handshake time', async () => {
    const port = await tlsServer(pki.issue({ notAfter: daysFromNow(90) }));
    const result = await createTcpProbe({ ca: pki.ca })(run(port, { tls: true, expect: 'IMAP4rev1' }), context);
    expect(result).toMatchObject({ ok: true });
    expect(result.timings?.tls).toBeGreaterThanOrEqual(0);
  });

  it('fails with the TLS error code when the certificate is self-signed', async () => {
    const port = await tlsServer(pki.selfSigned({ notAfter: daysFromNow(90) }));
    const result = await createTcpProbe({ ca: pki.ca })(run(port, { tls: true }), context);
    expect(result).toMatchObject({ ok: false, error_code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('fails with ETIMEDOUT when the TLS handshake does not complete in time', async () => {
    let closed: Promise<unknown> = Promise.resolve();
    const port = await listen(net.createServer((socket) => (closed = new Promise((resolve) => socket.resume().on('close', resolve)))));
    const started = Date.now();
    const result = await tcpProbe(run(port, { tls: true }, 300), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ETIMEDOUT', error: `no TLS connection to 127.0.0.1:${port} within 300 ms` });
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
    await closed; // the probe closed its socket
  });
});
