import { HttpSpecSchema } from './check-specs';
import { CreateCheckBody, createCheck, UpdateCheckBody } from './checks';
import { buildOpenApiDocument } from './openapi';
import { fieldsOf, problemsOf } from './testing/field-problems';

const SITE_ID = '0b7e7c3e-6b1a-4c55-9a57-1c5f0b6e8a11';

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
      export_metrics: false,
      spec: HttpSpecSchema.parse({}),
    });
    expect(CreateCheckBody.parse({ ...minimal, type: 'tls_cert', target: 'example.com' })).toMatchObject({
      target: 'example.com:443',
      spec: { warning_days: 30, degraded_days: 7, verify_chain: true },
    });
  });

  it('takes export_metrics as a boolean on creation (heartbeats too) and on change, and nothing else', () => {
    expect(CreateCheckBody.parse({ ...minimal, export_metrics: true })).toMatchObject({ export_metrics: true });
    expect(CreateCheckBody.parse({ site_id: minimal.site_id, type: 'heartbeat', export_metrics: true })).toMatchObject({ export_metrics: true });
    expect(CreateCheckBody.parse({ site_id: minimal.site_id, type: 'heartbeat' })).toMatchObject({ export_metrics: false });
    expect(fieldsOf(CreateCheckBody, { ...minimal, export_metrics: 'true' })).toEqual(['export_metrics']);
    expect(UpdateCheckBody.parse({ export_metrics: false })).toEqual({ export_metrics: false });
    expect(UpdateCheckBody.parse({})).toEqual({});
    expect(fieldsOf(UpdateCheckBody, { export_metrics: null })).toEqual(['export_metrics']);
  });

  it('takes a degraded latency under the timeout, and none by default', () => {
    expect(CreateCheckBody.parse({ ...minimal, degraded_latency_ms: 800 })).toMatchObject({ degraded_latency_ms: 800 });
    expect(problemsOf(CreateCheckBody, { ...minimal, timeout_ms: 2000, degraded_latency_ms: 2000 })).toEqual([
      { field: 'degraded_latency_ms', message: 'must be less than timeout_ms (2000)' },
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, degraded_latency_ms: 0 })).toEqual(['degraded_latency_ms']);
    expect(UpdateCheckBody.parse({ degraded_latency_ms: null })).toEqual({ degraded_latency_ms: null });
  });

  it('takes json assertions of severity degraded or down, and no other', () => {
    const assertion = { path: '$.queue', op: 'less_than', value: 100 };
    const spec = (severity: unknown) => ({ ...minimal, spec: { json_assertions: [{ ...assertion, severity }] } });
    expect(CreateCheckBody.parse(spec('degraded')).spec).toMatchObject({ json_assertions: [{ ...assertion, severity: 'degraded' }] });
    expect(CreateCheckBody.parse(spec('down')).spec).toMatchObject({ json_assertions: [{ ...assertion, severity: 'down' }] });
    expect(fieldsOf(CreateCheckBody, spec('warning'))).toEqual(['spec.json_assertions[0].severity']);
  });

  it('takes an icmp check on a host, with its packet count, loss and rtt thresholds', () => {
    expect(CreateCheckBody.parse({ ...minimal, type: 'icmp', target: '[2001:DB8::1]' })).toMatchObject({
      target: '2001:db8::1',
      spec: { count: 3, interval_ms: 1000, max_loss_percent: 0 },
    });
    expect(CreateCheckBody.parse({ ...minimal, type: 'icmp', target: 'Example.COM', spec: { count: 5, max_loss_percent: 20, degraded_rtt_ms: 150 } })).toMatchObject({
      target: 'example.com',
      spec: { count: 5, interval_ms: 1000, max_loss_percent: 20, degraded_rtt_ms: 150 },
    });
  });

  it('needs the packets of an icmp check to fit in its timeout', () => {
    expect(problemsOf(CreateCheckBody, { ...minimal, type: 'icmp', target: '192.0.2.1', timeout_ms: 2_000, spec: { count: 3 } })).toEqual([
      { field: 'spec.count', message: 'needs 2500 ms ((count - 1) × interval_ms + 500 for the last reply): more than timeout_ms (2000)' },
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, type: 'icmp', target: '192.0.2.1', timeout_ms: 2_500, spec: { count: 3 } })).toEqual([]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, type: 'icmp', target: '192.0.2.1', timeout_ms: 2_000, spec: { count: 4, interval_ms: 500 } })).toEqual([]);
  });

  it('validates the target and the spec against the type', () => {
    expect(problemsOf(CreateCheckBody, { ...minimal, type: 'tcp', spec: { method: 'GET' } })).toEqual([
      { field: 'target', message: 'must be host:port (a port from 1 to 65535)' },
      { field: 'spec.method', message: 'is not a known field' },
    ]);
  });

  it('names the type when it is missing or unknown', () => {
    expect(problemsOf(CreateCheckBody, { site_id: SITE_ID, target: 'x' })).toEqual([
      { field: 'type', message: 'must be one of http, tcp, dns, tls_cert, icmp, heartbeat' },
    ]);
    expect(fieldsOf(CreateCheckBody, { ...minimal, type: 'ping' })).toEqual(['type']);
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
    expect(body.oneOf.map((variant) => variant.properties['type'].const)).toEqual(['http', 'tcp', 'dns', 'tls_cert', 'icmp', 'heartbeat']);
    const http = body.oneOf[0].properties['spec'];
    expect(http.additionalProperties).toBe(false);
    expect(Object.keys(http.properties ?? {})).toEqual(expect.arrayContaining(['method', 'headers', 'expected_statuses', 'json_assertions']));
    expect(Object.keys(body.oneOf[3].properties['spec'].properties ?? {})).toEqual(['warning_days', 'degraded_days', 'verify_chain']);
  });
});
