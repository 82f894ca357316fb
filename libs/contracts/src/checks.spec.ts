import {
  CHECK_SPEC_SCHEMAS,
  CreateCheckBody,
  createCheck,
  DnsSpecSchema,
  HttpSpecSchema,
  normalizeCheckTarget,
  parseHostPort,
  parseJsonPath,
  statusIsExpected,
  TcpSpecSchema,
  TlsCertSpecSchema,
  UpdateCheckBody,
} from './checks';
import { fieldProblems } from './issues';
import { buildOpenApiDocument } from './openapi';

const SITE_ID = '0b7e7c3e-6b1a-4c55-9a57-1c5f0b6e8a11';

function problemsOf(schema: { safeParse(value: unknown): { success: boolean; error?: unknown } }, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return fieldProblems(result.error as Parameters<typeof fieldProblems>[0]);
}

function fieldsOf(schema: Parameters<typeof problemsOf>[0], value: unknown): string[] {
  return problemsOf(schema, value).map((problem) => problem.field);
}

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

  it('are listed by type', () => {
    expect(Object.keys(CHECK_SPEC_SCHEMAS).sort()).toEqual(['dns', 'http', 'tcp', 'tls_cert']);
  });
});

describe('check targets', () => {
  const normalized = (type: Parameters<typeof normalizeCheckTarget>[0], target: string) => {
    const result = normalizeCheckTarget(type, target);
    return result.ok ? result.target : undefined;
  };

  it('are http(s) URLs for http checks, normalized', () => {
    expect(normalized('http', 'HTTPS://Example.COM')).toBe('https://example.com/');
    expect(normalized('http', 'http://example.com:8080/health?x=1#top')).toBe('http://example.com:8080/health?x=1');
    expect(normalized('http', 'http://[::1]:8080/')).toBe('http://[::1]:8080/');
    for (const target of ['ftp://example.com/', 'example.com', 'https://', 'https://exa mple.com/', 'https://example.com/\n']) {
      expect(normalized('http', target)).toBeUndefined();
    }
  });

  it('are https URLs or host[:port] for tls_cert checks, port 443 by default', () => {
    expect(normalized('tls_cert', 'https://example.com/login')).toBe('https://example.com/login');
    expect(normalized('tls_cert', 'Example.com')).toBe('example.com:443');
    expect(normalized('tls_cert', 'mail.example.com:993')).toBe('mail.example.com:993');
    expect(normalized('tls_cert', '[2001:db8::1]')).toBe('[2001:db8::1]:443');
    expect(normalized('tls_cert', 'http://example.com/')).toBeUndefined();
    expect(normalized('tls_cert', 'example.com:0')).toBeUndefined();
  });

  it('are host:port for tcp checks', () => {
    expect(normalized('tcp', 'DB.example.com:5432')).toBe('db.example.com:5432');
    expect(normalized('tcp', '10.0.0.1:22')).toBe('10.0.0.1:22');
    expect(normalized('tcp', '[2001:DB8::1]:25')).toBe('[2001:db8::1]:25');
    for (const target of ['example.com', 'example.com:65536', '999.1.1.1:80', '[nothex]:80', 'a..b:80', '-a.com:80']) {
      expect(normalized('tcp', target)).toBeUndefined();
    }
  });

  it('are DNS names for dns checks', () => {
    expect(normalized('dns', 'Example.COM.')).toBe('example.com');
    expect(normalized('dns', '_dmarc.example.com')).toBe('_dmarc.example.com');
    for (const target of ['https://example.com/', '1.2.3.4', 'example.com:53', `${'a'.repeat(64)}.com`, '']) {
      expect(normalized('dns', target)).toBeUndefined();
    }
  });

  it('split host and port for the runner', () => {
    expect(parseHostPort('example.com:80')).toEqual({ host: 'example.com', port: 80 });
    expect(parseHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseHostPort('example.com', 443)).toEqual({ host: 'example.com', port: 443 });
    expect(parseHostPort('example.com')).toBeUndefined();
  });
});

describe('the create check body', () => {
  const minimal = { site_id: SITE_ID, type: 'http', target: 'https://example.com' };

  it('fills in defaults, normalizes the target and parses the spec of its type', () => {
    expect(CreateCheckBody.parse(minimal)).toEqual({
      site_id: SITE_ID,
      type: 'http',
      target: 'https://example.com/',
      interval_s: 60,
      timeout_ms: 10_000,
      locations: [],
      failing_threshold: 2,
      passing_threshold: 1,
      failing_locations_threshold: '66%',
      enabled: true,
      spec: HttpSpecSchema.parse({}),
    });
    expect(CreateCheckBody.parse({ ...minimal, type: 'tls_cert', target: 'example.com' })).toMatchObject({
      target: 'example.com:443',
      spec: { warning_days: 30, degraded_days: 7, verify_chain: true },
    });
  });

  it('validates the target and the spec against the type', () => {
    expect(problemsOf(CreateCheckBody, { ...minimal, type: 'tcp', spec: { method: 'GET' } })).toEqual([
      { field: 'target', message: 'must be host:port (a port from 1 to 65535)' },
      { field: 'spec.method', message: 'is not a known field' },
    ]);
  });

  it('names the type when it is missing or unknown', () => {
    expect(problemsOf(CreateCheckBody, { site_id: SITE_ID, target: 'x' })).toEqual([
      { field: 'type', message: 'must be one of http, tcp, dns, tls_cert' },
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, type: 'icmp' })).toEqual(['type']);
  });

  it('names fields out of range and unknown ones', () => {
    const body = { ...minimal, site_id: 'nope', interval_s: 5, timeout_ms: 50, failing_threshold: 0, passing_threshold: 101, colour: 'red' };
    expect(fieldsOf(CreateCheckBody, body)).toEqual(['site_id', 'interval_s', 'timeout_ms', 'failing_threshold', 'passing_threshold', '']);
  });

  it('needs the timeout below the interval and the down interval at most the interval', () => {
    expect(problemsOf(CreateCheckBody, { ...minimal, interval_s: 30, timeout_ms: 30_000, down_interval_s: 40 })).toEqual([
      { field: 'down_interval_s', message: 'must be at most interval_s (30)' },
      { field: 'timeout_ms', message: 'must be less than interval_s × 1000 (30000)' },
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, interval_s: 30, timeout_ms: 29_999, down_interval_s: 10 })).toEqual([]);
  });

  it('checks rules across fields only once each field is valid', () => {
    expect(fieldsOf(CreateCheckBody, { ...minimal, locations: null, interval_s: 'x', failing_locations_threshold: 5 })).toEqual([
      'interval_s',
      'locations',
    ]);
  });

  it('takes locations as unique runner slugs or @controller', () => {
    expect(fieldsOf(CreateCheckBody, { ...minimal, locations: ['us-east', '@controller'] })).toEqual([]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, locations: ['us-east', 'US_West', 'us-east', '@other'] })).toEqual([
      'locations[1]',
      'locations[3]',
      'locations[2]',
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, locations: Array.from({ length: 51 }, (_, i) => `r${i}`) })).toEqual(['locations']);
  });

  it('takes the locations quorum as a count or a percent, and a count no larger than the named locations', () => {
    for (const threshold of [1, 3, '1%', '66%', '100%']) {
      expect(fieldsOf(CreateCheckBody, { ...minimal, failing_locations_threshold: threshold })).toEqual([]);
    }
    for (const threshold of [0, 1.5, '0%', '101%', '66', 'most']) {
      expect(fieldsOf(CreateCheckBody, { ...minimal, failing_locations_threshold: threshold })).toEqual(['failing_locations_threshold']);
    }
    expect(problemsOf(CreateCheckBody, { ...minimal, locations: ['a', 'b'], failing_locations_threshold: 3 })).toEqual([
      { field: 'failing_locations_threshold', message: 'must be at most the number of locations (2)' },
    ]);
  });
});

describe('the update check body', () => {
  it('takes any field of creation but site_id and type, without defaults', () => {
    expect(UpdateCheckBody.parse({})).toEqual({});
    expect(UpdateCheckBody.parse({ name: null, down_interval_s: null, enabled: false })).toEqual({ name: null, down_interval_s: null, enabled: false });
    expect(problemsOf(UpdateCheckBody, { site_id: SITE_ID, type: 'tcp' })).toEqual([{ field: '', message: 'has unknown fields "site_id", "type"' }]);
  });
});

describe('the create check route in the OpenAPI document', () => {
  type Schema = { oneOf: Array<{ properties: Record<string, { const?: string; additionalProperties?: boolean; properties?: object }> }> };
  const document = buildOpenApiDocument([createCheck], { title: 't', version: '1' }) as {
    paths: Record<string, Record<string, { requestBody: { content: { 'application/json': { schema: Schema } } } }>>;
  };
  const body = document.paths['/api/v1/checks']['post'].requestBody.content['application/json'].schema;

  it('shows one variant per type, each with its own closed spec', () => {
    expect(body.oneOf.map((variant) => variant.properties['type'].const)).toEqual(['http', 'tcp', 'dns', 'tls_cert']);
    const http = body.oneOf[0].properties['spec'];
    expect(http.additionalProperties).toBe(false);
    expect(Object.keys(http.properties ?? {})).toEqual(expect.arrayContaining(['method', 'headers', 'expected_statuses', 'json_assertions']));
    expect(Object.keys(body.oneOf[3].properties['spec'].properties ?? {})).toEqual(['warning_days', 'degraded_days', 'verify_chain']);
  });
});
