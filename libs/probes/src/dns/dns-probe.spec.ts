import { DnsSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import { createDnsProbe } from './dns-probe';
import { startTestDnsServer, type TestDnsServer } from './testing-dns-server';

const context = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress() };
let server: TestDnsServer;
let probe: ReturnType<typeof createDnsProbe>;

beforeAll(async () => {
  server = await startTestDnsServer({
    zone: {
      'example.test': {
        A: ['192.0.2.11', '192.0.2.10'],
        AAAA: ['2001:db8::1'],
        MX: [
          { priority: 20, exchange: 'mx2.example.test' },
          { priority: 10, exchange: 'MX1.Example.Test' },
        ],
        TXT: [['v=spf1 ', 'include:_spf.example.test -all'], ['google-site-verification=abc']],
        NS: ['ns1.example.test', 'ns2.example.test'],
      },
      'www.example.test': { CNAME: ['example.test'] },
    },
    servfail: ['broken.test'],
    silent: ['slow.test'],
  });
  probe = createDnsProbe({ resolverPort: server.port });
});
afterAll(() => server.close());

function run(target: string, spec: Record<string, unknown>, timeoutMs = 5_000) {
  return { type: 'dns' as const, target, spec: DnsSpecSchema.parse({ resolver: '127.0.0.1', ...spec }), timeoutMs };
}

describe('dnsProbe', () => {
  it('resolves A records and reports them sorted, with the resolution time', async () => {
    const result = await probe(run('example.test', { record_type: 'A' }), context);
    expect(result).toMatchObject({ ok: true, details: { record_type: 'A', values: ['192.0.2.10', '192.0.2.11'] } });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    expect(result.timings?.dns).toBe(result.timings?.total);
  });

  it('passes when every expected value is among the answers', async () => {
    expect(await probe(run('example.test', { expected_values: ['192.0.2.10'] }), context)).toMatchObject({ ok: true });
  });

  it('fails with ASSERTION_FAILED and the answers when an expected address is missing', async () => {
    const result = await probe(run('example.test', { expected_values: ['192.0.2.10', '192.0.2.99'] }), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', details: { values: ['192.0.2.10', '192.0.2.11'] } });
    expect(result.error).toBe('A example.test: expected "192.0.2.99" among the answers ["192.0.2.10","192.0.2.11"]');
  });

  it('compares IPv6 addresses in their canonical form', async () => {
    const result = await probe(run('example.test', { record_type: 'AAAA', expected_values: ['2001:DB8:0:0::1'] }), context);
    expect(result).toMatchObject({ ok: true, details: { values: ['2001:db8::1'] } });
  });

  it('reports MX records as "priority exchange" and matches an expected exchange case-insensitively', async () => {
    const result = await probe(run('example.test', { record_type: 'MX', expected_values: ['mx1.example.test.', '20 MX2.example.test'] }), context);
    expect(result).toMatchObject({ ok: true, details: { values: ['10 mx1.example.test', '20 mx2.example.test'] } });
  });

  it('joins the strings of each TXT record and compares them exactly', async () => {
    const spf = 'v=spf1 include:_spf.example.test -all';
    const result = await probe(run('example.test', { record_type: 'TXT', expected_values: [spf] }), context);
    expect(result).toMatchObject({ ok: true, details: { values: ['google-site-verification=abc', spf] } });
    expect(await probe(run('example.test', { record_type: 'TXT', expected_values: [spf.toUpperCase()] }), context)).toMatchObject({
      ok: false,
      error_code: 'ASSERTION_FAILED',
    });
  });

  it('resolves CNAME and NS records as names without the trailing dot', async () => {
    expect(await probe(run('www.example.test', { record_type: 'CNAME', expected_values: ['EXAMPLE.test'] }), context)).toMatchObject({
      ok: true,
      details: { values: ['example.test'] },
    });
    expect(await probe(run('example.test', { record_type: 'NS' }), context)).toMatchObject({
      ok: true,
      details: { values: ['ns1.example.test', 'ns2.example.test'] },
    });
  });

  it('fails with ENOTFOUND for a name that does not exist', async () => {
    expect(await probe(run('missing.test', {}), context)).toMatchObject({ ok: false, error_code: 'ENOTFOUND' });
  });

  it('fails with ENODATA for a name without records of the type', async () => {
    expect(await probe(run('www.example.test', { record_type: 'MX' }), context)).toMatchObject({ ok: false, error_code: 'ENODATA' });
  });

  it('fails with ESERVFAIL when the server fails', async () => {
    expect(await probe(run('broken.test', {}), context)).toMatchObject({ ok: false, error_code: 'ESERVFAIL' });
  });

  it('fails with ETIMEDOUT by the deadline when the server never answers', async () => {
    const started = Date.now();
    const result = await probe(run('slow.test', {}, 300), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
  });

  it('asks a resolver given by IPv6 address', async () => {
    const server6 = await startTestDnsServer({ zone: { 'v6.test': { A: ['192.0.2.6'] } } }, '::1').catch(() => undefined);
    if (server6 === undefined) return; // no IPv6 loopback here
    try {
      const result = await createDnsProbe({ resolverPort: server6.port })(run('v6.test', { resolver: '::1' }), context);
      expect(result).toMatchObject({ ok: true, details: { values: ['192.0.2.6'] } });
    } finally {
      await server6.close();
    }
  });
});
