import { parse } from 'yaml';
import type { CheckJson, SiteJson } from './commands/lists';
import { checkEntryOf, formatConfigFile, parseConfigFile, sameValue } from './config-file';

const SITE: SiteJson = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Shop',
  slug: 'shop',
  status: 'up',
  public_status_page: false,
  last_checked_at: null,
  last_status_change_at: null,
  last_alert_sent_at: null,
  archived_at: null,
  slo_target_pct: null,
  slo_window_days: 30,
  created_at: '2026-11-23T10:00:00.000Z',
};

function serverCheck(overrides: Partial<CheckJson>): CheckJson {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    site_id: SITE.id,
    name: null,
    type: 'http',
    target: 'https://shop.example.com/',
    spec: { method: 'GET', headers: {}, expected_statuses: ['2xx', '3xx'], follow_redirects: true, max_redirects: 5, verify_tls: true },
    interval_s: 60,
    down_interval_s: null,
    timeout_ms: 10_000,
    degraded_latency_ms: null,
    locations: [],
    effective_locations: ['us-1'],
    failing_threshold: 2,
    passing_threshold: 1,
    failing_locations_threshold: '66%',
    enabled: true,
    export_metrics: false,
    status: 'up',
    last_checked_at: null,
    created_at: '2026-11-23T10:00:00.000Z',
    updated_at: '2026-11-23T10:00:00.000Z',
    ...overrides,
  } as CheckJson;
}

describe('SLO objectives in a sites file', () => {
  it('reads a target and a window, and refuses a target out of range with the API message', () => {
    const good = parseConfigFile('sites:\n  - slug: shop\n    name: Shop\n    slo_target_pct: 99.95\n    slo_window_days: 28\n');
    expect(good.ok && good.file.sites[0]).toMatchObject({ slo_target_pct: 99.95, slo_window_days: 28 });
    const bad = parseConfigFile('sites:\n  - slug: shop\n    name: Shop\n    slo_target_pct: 100\n');
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain('strictly between 0 and 100');
  });
});

describe('reading a sites file', () => {
  it('fills in the API defaults and normalizes targets, as creating the check would', () => {
    const outcome = parseConfigFile('sites:\n  - slug: shop\n    name: Shop\n    checks:\n      - type: http\n        target: https://SHOP.example.com\n');
    expect(outcome).toEqual({
      ok: true,
      file: {
        sites: [
          {
            slug: 'shop',
            name: 'Shop',
            public_status_page: false,
            slo_target_pct: null,
            slo_window_days: 30,
            maintenance: [],
            checks: [
              {
                type: 'http',
                target: 'https://shop.example.com/',
                interval_s: 60,
                timeout_ms: 10_000,
                locations: [],
                failing_threshold: 2,
                passing_threshold: 1,
                failing_locations_threshold: '66%',
                enabled: true,
                export_metrics: false,
                spec: { method: 'GET', headers: {}, expected_statuses: ['2xx', '3xx'], follow_redirects: true, max_redirects: 5, verify_tls: true },
              },
            ],
          },
        ],
      },
    });
  });

  it('reports every problem at once, each with its path', () => {
    const outcome = parseConfigFile(
      [
        'sites:',
        '  - slug: shop',
        '    checks:',
        '      - type: http',
        '        target: ftp://shop.example.com',
        '        interval_s: 5',
        '        spec: { methd: GET }',
        '      - site_id: 11111111-1111-4111-8111-111111111111',
        '        type: tcp',
        '        target: db:5432',
        '      - just a string',
        '  - slug: blog',
        '    name: Blog',
        '    owner: me',
      ].join('\n'),
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.problems).toEqual([
      'sites[0].name: is required',
      'sites[0].checks[0].interval_s: Too small: expected number to be >=10',
      'sites[0].checks[0].target: must be an http:// or https:// URL',
      'sites[0].checks[0].spec.methd: is not a known field',
      'sites[0].checks[1].site_id: is not allowed here; a check belongs to the site it is listed under',
      'sites[0].checks[2]: Invalid input: expected object, received string',
      'sites[1].owner: is not a known field',
    ]);
  });

  it('checks the rules that span fields, such as a timeout shorter than the interval', () => {
    const outcome = parseConfigFile('sites:\n  - slug: a\n    name: A\n    checks:\n      - { type: dns, target: a.example.com, interval_s: 10, timeout_ms: 10000 }\n');
    expect(!outcome.ok && outcome.problems).toEqual(['sites[0].checks[0].timeout_ms: must be less than interval_s × 1000 (10000)']);
  });

  it('wants a mapping with a list of sites at the top', () => {
    expect(parseConfigFile('')).toEqual({ ok: false, problems: ['sites: is required'] });
    expect(parseConfigFile('- a\n- b\n')).toEqual({ ok: false, problems: ['the file must be a mapping with a "sites:" list at the top'] });
    expect(parseConfigFile('sites: []\nversion: 2\n')).toEqual({ ok: false, problems: ['version: is not a known field'] });
  });

  it('reports YAML syntax errors with their line and column', () => {
    expect(parseConfigFile('sites:\n  - slug: [a\n')).toEqual({ ok: false, problems: [expect.stringMatching(/line \d+, column \d+$/)] });
  });
});

describe('writing a sites file', () => {
  it('leaves out every field and spec entry that has its default value', () => {
    expect(checkEntryOf(serverCheck({}))).toEqual({ type: 'http', target: 'https://shop.example.com/' });
    expect(
      checkEntryOf(
        serverCheck({
          name: 'Home',
          interval_s: 30,
          down_interval_s: 10,
          degraded_latency_ms: 800,
          locations: ['us-1'],
          failing_locations_threshold: 1,
          enabled: false,
          export_metrics: true,
          spec: { method: 'HEAD', headers: {}, expected_statuses: [200], follow_redirects: true, max_redirects: 5, verify_tls: false },
        }),
      ),
    ).toEqual({
      name: 'Home',
      type: 'http',
      target: 'https://shop.example.com/',
      interval_s: 30,
      down_interval_s: 10,
      degraded_latency_ms: 800,
      locations: ['us-1'],
      failing_locations_threshold: 1,
      enabled: false,
      export_metrics: true,
      spec: { method: 'HEAD', expected_statuses: [200], verify_tls: false },
    });
  });

  it('carries export_metrics of every type, heartbeats included, and reads it back', () => {
    const heartbeat = serverCheck({ type: 'heartbeat', target: 'nightly-backup', export_metrics: true, spec: { period_s: 86_400, grace_s: 3_600 } } as Partial<CheckJson>);
    const text = formatConfigFile([SITE], [serverCheck({ export_metrics: true }), heartbeat]);
    expect(parse(text).sites[0].checks).toEqual([
      { type: 'http', target: 'https://shop.example.com/', export_metrics: true },
      expect.objectContaining({ type: 'heartbeat', target: 'nightly-backup', export_metrics: true }),
    ]);
    const outcome = parseConfigFile(text);
    if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
    expect(outcome.file.sites[0].checks.map((check) => check.export_metrics)).toEqual([true, true]);
    expect(parseConfigFile('sites:\n  - slug: shop\n    name: Shop\n    checks:\n      - { type: http, target: "https://shop.example.com/", export_metrics: maybe }\n')).toEqual({
      ok: false,
      problems: [expect.stringMatching(/^sites\[0\]\.checks\[0\]\.export_metrics: /)],
    });
  });

  it('writes a file that reads back as the same checks', () => {
    const checks = [
      serverCheck({ interval_s: 300, spec: { method: 'POST', headers: { 'x-token': 'a: b' }, body: 'line 1\nline 2', expected_statuses: ['2xx'], follow_redirects: false, max_redirects: 5, verify_tls: true } }),
      serverCheck({ id: '33333333-3333-4333-8333-333333333333', type: 'tcp', target: 'db.example.com:5432', spec: { tls: true } }),
    ];
    const text = formatConfigFile([{ ...SITE, public_status_page: true, slo_target_pct: 99.9, slo_window_days: 7 }], checks);
    expect(text).toContain('slo_target_pct: 99.9');
    expect(text).toContain('slo_window_days: 7');
    const outcome = parseConfigFile(text);
    if (!outcome.ok) throw new Error(outcome.problems.join('\n'));
    const [site] = outcome.file.sites;
    expect(site).toMatchObject({ slug: 'shop', name: 'Shop', public_status_page: true, slo_target_pct: 99.9, slo_window_days: 7 });
    site.checks.forEach((entry, index) => {
      const check = checks[index];
      expect(entry).toMatchObject({ type: check.type, target: check.target, interval_s: check.interval_s });
      expect(sameValue(entry.spec, check.spec)).toBe(true);
    });
    expect(parse(text).sites[0].checks[1]).toEqual({ type: 'tcp', target: 'db.example.com:5432', spec: { tls: true } });
  });
});

describe('comparing values', () => {
  it('ignores the order of object keys and absent against undefined, but not array order', () => {
    expect(sameValue({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(2, '2')).toBe(false);
  });
});
