import net from 'node:net';
import tls from 'node:tls';
import { TlsCertSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import { createTestPki, daysFromNow, type TestCertificate, type TestPki } from '../testing-certs';
import { createTlsCertProbe, parseTlsTarget, tlsCertProbe } from './tls-cert-probe';

const context = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress() };
let pki: TestPki;
let probe: ReturnType<typeof createTlsCertProbe>;
const servers: net.Server[] = [];

beforeAll(() => {
  pki = createTestPki();
  probe = createTlsCertProbe({ ca: pki.ca });
});
afterAll(() => pki.dispose());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function serve(certificate: TestCertificate): Promise<number> {
  const server = tls.createServer(certificate, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

function run(target: string, spec: Record<string, unknown> = {}, timeoutMs = 5_000) {
  return { type: 'tls_cert' as const, target, spec: TlsCertSpecSchema.parse(spec), timeoutMs };
}

describe('tlsCertProbe', () => {
  it('passes on a valid certificate and reports its dates, names and chain', async () => {
    const port = await serve(pki.issue({ notAfter: daysFromNow(90.5) }));
    const result = await probe(run(`127.0.0.1:${port}`), context);
    expect(result).toMatchObject({
      ok: true,
      details: {
        days_remaining: 90,
        issuer: 'CN=Vigil Test CA, O=Vigil Tests',
        subject: 'CN=localhost, O=Vigil Tests',
        subject_alt_names: ['localhost', '127.0.0.1', '0:0:0:0:0:0:0:1'],
        chain_valid: true,
      },
    });
    expect(result.details?.chain_error).toBeUndefined();
    expect(Date.parse(result.details?.valid_to as string)).toBeGreaterThan(Date.now());
    expect(result.timings?.tcp).toBeGreaterThanOrEqual(0);
    expect(result.timings?.tls).toBeGreaterThanOrEqual(0);
  });

  it('connects with SNI to the host of an https:// URL and presents that host certificate', async () => {
    const server = tls.createServer({
      ...pki.issue({ commonName: 'default.test', altNames: ['DNS:default.test'], notAfter: daysFromNow(30) }),
      SNICallback: (name, callback) => callback(null, tls.createSecureContext(pki.issue({ notAfter: daysFromNow(60.5) }))),
    });
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    const result = await probe(run(`https://localhost:${port}/health`), context);
    expect(result).toMatchObject({ ok: true, details: { subject: 'CN=localhost, O=Vigil Tests', days_remaining: 60 } });
  });

  it('passes on a certificate about to expire: warning days are judged by the lifecycle, not the probe', async () => {
    const port = await serve(pki.issue({ notAfter: daysFromNow(2.5) }));
    const result = await probe(run(`127.0.0.1:${port}`, { warning_days: 30, degraded_days: 7 }), context);
    expect(result).toMatchObject({ ok: true, details: { days_remaining: 2, chain_valid: true } });
  });

  it('fails with CERT_HAS_EXPIRED on an expired certificate and still reports its details', async () => {
    const port = await serve(pki.issue({ notBefore: daysFromNow(-100), notAfter: daysFromNow(-9.5) }));
    const result = await probe(run(`127.0.0.1:${port}`, { verify_chain: false }), context);
    expect(result).toMatchObject({
      ok: false,
      error_code: 'CERT_HAS_EXPIRED',
      details: { days_remaining: -10, chain_valid: false, chain_error: 'CERT_HAS_EXPIRED' },
    });
    expect(result.error).toMatch(/expired on \d{4}-/);
  });

  it('fails with CERT_NOT_YET_VALID on a certificate valid only from tomorrow', async () => {
    const port = await serve(pki.issue({ notBefore: daysFromNow(1), notAfter: daysFromNow(30) }));
    expect(await probe(run(`127.0.0.1:${port}`), context)).toMatchObject({ ok: false, error_code: 'CERT_NOT_YET_VALID' });
  });

  it('fails with the chain error on a self-signed certificate unless verify_chain is off', async () => {
    const port = await serve(pki.selfSigned({ notAfter: daysFromNow(90) }));
    expect(await probe(run(`127.0.0.1:${port}`), context)).toMatchObject({
      ok: false,
      error_code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      details: { chain_valid: false, chain_error: 'DEPTH_ZERO_SELF_SIGNED_CERT', subject: 'CN=localhost', issuer: 'CN=localhost' },
    });
    expect(await probe(run(`127.0.0.1:${port}`, { verify_chain: false }), context)).toMatchObject({
      ok: true,
      details: { chain_valid: false },
    });
  });

  it('fails when the certificate is for another host', async () => {
    const port = await serve(pki.issue({ commonName: 'other.test', altNames: ['DNS:other.test'], notAfter: daysFromNow(90) }));
    expect(await probe(run(`localhost:${port}`), context)).toMatchObject({
      ok: false,
      error_code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      details: { chain_valid: false, subject_alt_names: ['other.test'] },
    });
  });

  it('does not trust the test CA without being told to', async () => {
    const port = await serve(pki.issue({ notAfter: daysFromNow(90) }));
    expect(await tlsCertProbe(run(`127.0.0.1:${port}`), context)).toMatchObject({ ok: false, error_code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('fails with ECONNREFUSED when nothing listens', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    expect(await probe(run(`127.0.0.1:${port}`), context)).toMatchObject({ ok: false, error_code: 'ECONNREFUSED' });
  });

  it('fails with ETIMEDOUT by the deadline when the handshake never completes', async () => {
    const port = await listen(net.createServer((socket) => socket.resume()));
    const started = Date.now();
    const result = await probe(run(`127.0.0.1:${port}`, {}, 300), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
  });
});

describe('parseTlsTarget', () => {
  it('reads https:// URLs and host[:port], with port 443 by default', () => {
    expect(parseTlsTarget('https://example.com/path')).toEqual({ host: 'example.com', port: 443 });
    expect(parseTlsTarget('https://[2001:db8::1]:8443')).toEqual({ host: '2001:db8::1', port: 8443 });
    expect(parseTlsTarget('example.com')).toEqual({ host: 'example.com', port: 443 });
    expect(parseTlsTarget('example.com:8443')).toEqual({ host: 'example.com', port: 8443 });
    expect(parseTlsTarget('http://example.com')).toBeUndefined();
  });
});
