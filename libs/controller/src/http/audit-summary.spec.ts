import { AUDIT_HIDDEN, AUDIT_SECRET, auditSummary, resourceTypeOf } from './audit-summary';

describe('auditSummary', () => {
  it('lists every field path sent, with the values that are not secret', () => {
    expect(auditSummary({ name: 'Shop', public_status_page: true, interval_s: 30, locations: ['us-1', '@controller'] })).toEqual({
      fields: ['name', 'public_status_page', 'interval_s', 'locations'],
      values: { name: 'Shop', public_status_page: true, interval_s: 30, locations: ['us-1', '@controller'] },
    });
  });

  it('never keeps a secret: secret-named fields, header values, bodies, URL credentials, paths and queries', () => {
    const secrets = ['hunter2-password', 'R0UTING-KEY-1234', 'sig-secret-5678', 'Bearer abc.def', 'T000/B000/XXXXsecret', 'userpass', 'qs-token-9'];
    const body = {
      name: 'pager',
      config: {
        url: 'https://user:userpass@hooks.example/T000/B000/XXXXsecret?token=qs-token-9',
        secret: 'sig-secret-5678',
        routing_key: 'R0UTING-KEY-1234',
        smtp: { host: 'mail.example', port: 587, password: 'hunter2-password' },
        headers: { Authorization: 'Bearer abc.def', 'X-Custom': 'anything' },
      },
      spec: { body: '{"password":"hunter2-password"}' },
    };
    const summary = auditSummary(body);
    const text = JSON.stringify(summary);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(summary.values).toEqual({
      name: 'pager',
      'config.url': 'https://hooks.example',
      'config.secret': AUDIT_SECRET,
      'config.routing_key': AUDIT_SECRET,
      'config.smtp.host': 'mail.example',
      'config.smtp.port': 587,
      'config.smtp.password': AUDIT_SECRET,
      'config.headers.Authorization': AUDIT_SECRET,
      'config.headers.X-Custom': AUDIT_HIDDEN,
      'spec.body': AUDIT_HIDDEN,
    });
  });

  it('cuts long strings and stops listing after 50 fields', () => {
    const long = auditSummary({ reason: 'x'.repeat(500) });
    expect((long.values?.['reason'] as string).length).toBeLessThanOrEqual(101);
    const wide = auditSummary(Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`f${i}`, i])));
    expect(wide.fields).toHaveLength(50);
    expect(wide.truncated).toBe(true);
  });

  it('keeps the query, and nothing for an absent body', () => {
    expect(auditSummary(undefined, { purge: 'true' })).toEqual({ query: { purge: 'true' } });
    expect(auditSummary(undefined, {})).toEqual({});
  });
});

describe('resourceTypeOf', () => {
  it('names the collection a route acts on, in the singular', () => {
    expect(resourceTypeOf('/api/v1/sites/:id/restore')).toBe('site');
    expect(resourceTypeOf('/api/v1/notification-channels/:id')).toBe('notification-channel');
    expect(resourceTypeOf('/api/v1/runners/:slug/rotate-key')).toBe('runner');
  });
});
