import {
  CHECK_SPEC_SCHEMAS,
  DnsSpecSchema,
  HttpSpecSchema,
  IcmpSpecSchema,
  parseJsonPath,
  statusIsExpected,
  TcpSpecSchema,
  TlsCertSpecSchema,
} from './check-specs';
import { fieldsOf, problemsOf } from './testing/field-problems';

describe('the http spec', () => {
  it('fills in every default', () => {
    expect(HttpSpecSchema.parse({})).toEqual({
      method: 'GET',
      headers: {},
      expected_statuses: ['2xx', '3xx'],
      follow_redirects: true,
      max_redirects: 5,
      verify_tls: true,
    });
  });

  it('keeps what is given', () => {
    const spec = {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"ping":true}',
      expected_statuses: [200, '3xx'],
      keyword_present: 'ok',
      keyword_absent: 'error',
      json_assertions: [
        { path: '$.status', op: 'equals', value: 'up' },
        { path: '$.items[0]["content-type"]', op: 'exists' },
        { path: '$.latency', op: 'less_than', value: 300 },
      ],
      max_latency_ms: 2000,
      follow_redirects: false,
      max_redirects: 0,
      verify_tls: false,
    };
    expect(HttpSpecSchema.parse(spec)).toEqual(spec);
  });

  it('names each unknown field and reports it with the other problems', () => {
    expect(problemsOf(HttpSpecSchema, { methd: 'GET', method: 'FETCH' })).toEqual([
      { field: 'method', message: expect.any(String) },
      { field: 'methd', message: 'is not a known field' },
    ]);
  });

  it('refuses a body with GET or HEAD', () => {
    expect(fieldsOf(HttpSpecSchema, { body: 'x' })).toEqual(['body']);
    expect(fieldsOf(HttpSpecSchema, { method: 'HEAD', body: 'x' })).toEqual(['body']);
    expect(fieldsOf(HttpSpecSchema, { method: 'PUT', body: 'x' })).toEqual([]);
  });

  it('limits the body to 64 KiB of UTF-8', () => {
    expect(fieldsOf(HttpSpecSchema, { method: 'POST', body: 'a'.repeat(65_536) })).toEqual([]);
    expect(fieldsOf(HttpSpecSchema, { method: 'POST', body: 'é'.repeat(32_769) })).toEqual(['body']);
  });

  it('refuses header names that are not tokens, values with line breaks, duplicates and too many headers', () => {
    expect(fieldsOf(HttpSpecSchema, { headers: { 'Bad Name': 'x' } })).toEqual(['headers.Bad Name']);
    expect(fieldsOf(HttpSpecSchema, { headers: { 'X-Test': 'a\r\nInjected: 1' } })).toEqual(['headers.X-Test']);
    expect(fieldsOf(HttpSpecSchema, { headers: { Accept: 'a', accept: 'b' } })).toEqual(['headers.accept']);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`x-h${i}`, 'v']));
    expect(fieldsOf(HttpSpecSchema, { headers: many })).toEqual(['headers']);
  });

  it('accepts status codes and classes only', () => {
    expect(fieldsOf(HttpSpecSchema, { expected_statuses: [204, '2xx'] })).toEqual([]);
    expect(fieldsOf(HttpSpecSchema, { expected_statuses: [600, '6xx', 'abc', 99] })).toEqual([
      'expected_statuses[0]',
      'expected_statuses[1]',
      'expected_statuses[2]',
      'expected_statuses[3]',
    ]);
    expect(fieldsOf(HttpSpecSchema, { expected_statuses: [] })).toEqual(['expected_statuses']);
  });

  it('checks that JSON assertions have a valid path and a value that fits the op', () => {
    const assertions = [
      { path: 'status', op: 'equals', value: 'up' },
      { path: '$.a', op: 'equals' },
      { path: '$.a', op: 'exists', value: 1 },
      { path: '$.a', op: 'greater_than', value: '5' },
      { path: '$.a', op: 'matches', value: 'x' },
      { path: '$.a', op: 'equals', value: null, extra: 1 },
    ];
    expect(fieldsOf(HttpSpecSchema, { json_assertions: assertions })).toEqual([
      'json_assertions[0].path',
      'json_assertions[1].value',
      'json_assertions[2].value',
      'json_assertions[3].value',
      'json_assertions[4].op',
      'json_assertions[5]',
    ]);
    const tooMany = Array.from({ length: 21 }, () => ({ path: '$', op: 'exists' }));
    expect(fieldsOf(HttpSpecSchema, { json_assertions: tooMany })).toEqual(['json_assertions']);
  });
});

describe('JSON paths', () => {
  it('parses names, indexes and quoted keys', () => {
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath('$.data.items[0].name')).toEqual(['data', 'items', 0, 'name']);
    expect(parseJsonPath('$["content-type"]["a \\"b\\""]')).toEqual(['content-type', 'a "b"']);
  });

  it('refuses anything else', () => {
    for (const path of ['data.items', '$.', '$[x]', '$..a', "$['a']", '$.a b', '$[-1]']) expect(parseJsonPath(path)).toBeUndefined();
  });
});

describe('expected statuses', () => {
  it('match codes exactly and classes by their first digit', () => {
    expect(statusIsExpected(['2xx'], 204)).toBe(true);
    expect(statusIsExpected(['2xx', 301], 301)).toBe(true);
    expect(statusIsExpected(['2xx', 301], 302)).toBe(false);
    expect(statusIsExpected([404], 404)).toBe(true);
    expect(statusIsExpected(['5xx'], 404)).toBe(false);
  });
});

describe('the tcp, dns and tls_cert specs', () => {
  it('fill in their defaults', () => {
    expect(TcpSpecSchema.parse({})).toEqual({ tls: false });
    expect(DnsSpecSchema.parse({})).toEqual({ record_type: 'A' });
    expect(TlsCertSpecSchema.parse({})).toEqual({ warning_days: 30, degraded_days: 7, verify_chain: true });
  });

  it('refuse what is out of range or unknown', () => {
    expect(fieldsOf(TcpSpecSchema, { send: 'x'.repeat(4097), tls: 'yes' })).toEqual(['send', 'tls']);
    expect(fieldsOf(DnsSpecSchema, { record_type: 'SRV', resolver: 'dns.google', expected_values: [] })).toEqual([
      'record_type',
      'expected_values',
      'resolver',
    ]);
    expect(fieldsOf(DnsSpecSchema, { resolver: '2001:4860:4860::8888', expected_values: ['93.184.216.34'] })).toEqual([]);
    expect(fieldsOf(TlsCertSpecSchema, { warning_days: 14, degraded_days: 14 })).toEqual(['degraded_days']);
    expect(fieldsOf(TlsCertSpecSchema, { warning_days: 5 })).toEqual(['degraded_days']);
    expect(fieldsOf(TlsCertSpecSchema, { expires: 3 })).toEqual(['expires']);
  });

  it('fill in the icmp defaults and refuse what is out of range or unknown', () => {
    expect(IcmpSpecSchema.parse({})).toEqual({ count: 3, interval_ms: 1000, max_loss_percent: 0 });
    expect(fieldsOf(IcmpSpecSchema, { count: 0, interval_ms: 100, max_loss_percent: 100, degraded_rtt_ms: 0, ttl: 64 })).toEqual([
      'count',
      'interval_ms',
      'max_loss_percent',
      'degraded_rtt_ms',
      'ttl',
    ]);
    expect(fieldsOf(IcmpSpecSchema, { count: 21 })).toEqual(['count']);
    expect(fieldsOf(IcmpSpecSchema, { count: 20, interval_ms: 10_000, max_loss_percent: 33.4, degraded_rtt_ms: 0.5 })).toEqual([]);
  });

  it('are listed by type', () => {
    expect(Object.keys(CHECK_SPEC_SCHEMAS).sort()).toEqual(['dns', 'heartbeat', 'http', 'icmp', 'tcp', 'tls_cert']);
  });
});
