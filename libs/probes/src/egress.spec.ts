import http from 'node:http';
import net from 'node:net';
import { DnsSpecSchema, HttpSpecSchema, TcpSpecSchema, TlsCertSpecSchema } from '@vigil/contracts';
import { createEgressGuard, createEgressPolicy, DEFAULT_EGRESS_POLICY, parseEgressList } from '@vigil/egress';
import { fakeResolver, loopbackEgress } from '@vigil/egress/testing';
import { runProbe } from './run-probe';
import { MAX_EXCERPT_CHARS } from './text';
import type { ProbeContext, ProbeRun } from './types';

// Issue 12's findings, with loopback stand-ins: the metadata service is a name the fake resolver
// maps to 169.254.169.254 (refused before any connection), internal services listen on 127.0.0.1.
const resolver = fakeResolver({ 'metadata.test': '169.254.169.254', 'rebind.test': '127.0.0.1', 'internal.test': '127.0.0.1' });
const userAgent = 'Vigil/test (+runner test)';
const production: ProbeContext = { userAgent, egress: createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver }) };
const demo: ProbeContext = { userAgent, egress: loopbackEgress({ resolver }) };

interface Stand {
  port: number;
  /** Connections the stand-in accepted. */
  connections: number;
  close(): Promise<void>;
}

async function standIn(onSocket: (socket: net.Socket) => void = () => undefined, server = net.createServer()): Promise<Stand> {
  const sockets = new Set<net.Socket>();
  const stand = { port: 0, connections: 0, close: async () => undefined };
  server.on('connection', (socket) => {
    stand.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stand.port = (server.address() as net.AddressInfo).port;
  stand.close = async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
  };
  return stand;
}

async function httpStandIn(handler: http.RequestListener): Promise<Stand> {
  const server = http.createServer(handler);
  return standIn(undefined, server);
}

const httpRun = (target: string, spec: Record<string, unknown> = {}): ProbeRun => ({ type: 'http', target, spec: HttpSpecSchema.parse(spec), timeoutMs: 3000 });
const tcpRun = (target: string, spec: Record<string, unknown> = {}): ProbeRun => ({ type: 'tcp', target, spec: TcpSpecSchema.parse(spec), timeoutMs: 3000 });

const stands: Stand[] = [];
afterEach(async () => {
  await Promise.all(stands.splice(0).map((stand) => stand.close()));
});
const keep = (stand: Stand) => (stands.push(stand), stand);

const secret = JSON.stringify({ AccessKeyId: 'ASIA'.padEnd(20, 'X'), SecretAccessKey: 'k'.repeat(200), Token: 't'.repeat(800) });

describe('the egress policy in the probes', () => {
  it('refuses an HTTP check on a name resolving to the metadata address, without connecting', async () => {
    const result = await runProbe(httpRun('http://metadata.test/latest/meta-data/iam/security-credentials/role'), production);
    expect(result).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    expect(result.error).toContain('always:metadata');
  });

  it('refuses an HTTP check on a metadata or loopback literal before got starts', async () => {
    const internal = keep(await httpStandIn((_request, response) => response.end(secret)));
    expect(await runProbe(httpRun('http://169.254.169.254/latest/meta-data/'), production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(await runProbe(httpRun(`http://127.0.0.1:${internal.port}/`), production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(await runProbe(httpRun(`http://[::ffff:127.0.0.1]:${internal.port}/`), production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(internal.connections).toBe(0);
  });

  it('refuses a name that resolves to loopback by default (DNS rebinding), and allows it when loopback is allowed', async () => {
    const internal = keep(await httpStandIn((_request, response) => response.end('ok')));
    const result = await runProbe(httpRun(`http://rebind.test:${internal.port}/`), production);
    expect(result).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    expect(result.error).toContain('default:loopback');
    expect(internal.connections).toBe(0);
    expect(await runProbe(httpRun(`http://rebind.test:${internal.port}/`), demo)).toMatchObject({ ok: true, status_code: 200 });
    expect(internal.connections).toBe(1);
  });

  it('refuses every redirect hop to a denied address, literal or resolved', async () => {
    const onlyThisHost = createEgressGuard(createEgressPolicy({ allow: parseEgressList('127.0.0.1') }), { resolver });
    const context = { userAgent, egress: onlyThisHost };
    const front = keep(
      await httpStandIn((request, response) => {
        const to = request.url === '/literal' ? 'http://169.254.169.254/latest/meta-data/' : 'http://metadata.test/latest/meta-data/';
        response.writeHead(302, { location: to }).end();
      }),
    );
    for (const path of ['/literal', '/name']) {
      const result = await runProbe(httpRun(`http://127.0.0.1:${front.port}${path}`, { follow_redirects: true }), context);
      expect(result).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
      expect(result.error).toContain('always:metadata');
    }
    expect(front.connections).toBeGreaterThanOrEqual(2);
  });

  it('refuses a tcp port scan of 127.0.0.1 with the default policy (no more ok: true from a closed network)', async () => {
    const postgres = keep(await standIn());
    const result = await runProbe(tcpRun(`127.0.0.1:${postgres.port}`), production);
    expect(result).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    expect(result.error).toContain('default:loopback');
    expect(await runProbe(tcpRun(`internal.test:${postgres.port}`), production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(await runProbe(tcpRun(`[::1]:${postgres.port}`), production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(postgres.connections).toBe(0);
  });

  it('refuses a tls_cert check on a denied address', async () => {
    const target = keep(await standIn());
    const run: ProbeRun = { type: 'tls_cert', target: `rebind.test:${target.port}`, spec: TlsCertSpecSchema.parse({}), timeoutMs: 3000 };
    expect(await runProbe(run, production)).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    expect(await runProbe({ ...run, target: `https://127.0.0.1:${target.port}/` }, production)).toMatchObject({ error_code: 'EGRESS_DENIED' });
    expect(target.connections).toBe(0);
  });

  it('refuses a dns check asking a denied resolver', async () => {
    for (const server of ['169.254.169.254', '127.0.0.1', 'fe80::1']) {
      const run: ProbeRun = { type: 'dns', target: 'example.test', spec: DnsSpecSchema.parse({ resolver: server }), timeoutMs: 3000 };
      expect(await runProbe(run, production)).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    }
  });
});

describe('bounded excerpts of what a target said', () => {
  it('keeps at most 64 characters of a JSON assertion actual value, in details and in the error', async () => {
    const internal = keep(await httpStandIn((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(secret)));
    const result = await runProbe(
      httpRun(`http://127.0.0.1:${internal.port}/`, { json_assertions: [{ path: '$', op: 'equals', value: 'anything' }] }),
      demo,
    );
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
    const actual = (result.details as { assertion: { actual: unknown } }).assertion.actual;
    expect(typeof actual).toBe('string');
    expect((actual as string).length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    expect(JSON.stringify(result)).not.toContain('k'.repeat(60));
    expect(JSON.stringify(result)).not.toContain('tttt');
  });

  it('keeps at most 64 characters of what a tcp peer sent', async () => {
    const redis = keep(await standIn((socket) => socket.on('data', () => socket.end(`-ERR ${'r'.repeat(1024)}\r\n`))));
    const result = await runProbe(tcpRun(`127.0.0.1:${redis.port}`, { send: 'INFO\r\n', expect: '+PONG' }), demo);
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
    expect(((result.details as { received: string }).received).length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS);
    expect(result.error).not.toContain('r'.repeat(70));
  });
});
