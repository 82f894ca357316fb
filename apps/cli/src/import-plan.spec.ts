import type { CheckJson, SiteJson } from './commands/lists';
import { type ConfigFile, parseConfigFile } from './config-file';
import { describeChange, planImport, summarizePlan } from './import-plan';

function site(slug: string, overrides: Partial<SiteJson> = {}): SiteJson {
  return {
    id: `${slug.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-000000000000`,
    name: slug.toUpperCase(),
    slug,
    status: 'up',
    public_status_page: false,
    last_checked_at: null,
    last_status_change_at: null,
    last_alert_sent_at: null,
    archived_at: null,
    slo_target_pct: null,
    slo_window_days: 30,
    created_at: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

let nextId = 0;
/** A check as the API answers it, from a file entry (so with the same defaults filled in). */
function serverCheck(owner: SiteJson, yaml: string, overrides: Partial<CheckJson> = {}): CheckJson {
  const outcome = parseConfigFile(`sites:\n  - slug: x\n    name: x\n    checks:\n      - ${yaml}\n`);
  if (!outcome.ok) throw new Error(outcome.problems.join('; '));
  const entry = outcome.file.sites[0].checks[0];
  nextId += 1;
  return {
    id: `00000000-0000-4000-8000-${String(nextId).padStart(12, '0')}`,
    site_id: owner.id,
    name: entry.name ?? null,
    down_interval_s: null,
    degraded_latency_ms: null,
    effective_locations: [],
    status: 'up',
    last_checked_at: null,
    created_at: '2026-11-23T10:00:00.000Z',
    updated_at: '2026-11-23T10:00:00.000Z',
    ...entry,
    ...overrides,
  } as CheckJson;
}

function file(yaml: string): ConfigFile {
  const outcome = parseConfigFile(yaml);
  if (!outcome.ok) throw new Error(outcome.problems.join('; '));
  return outcome.file;
}

const shop = site('shop');
const blog = site('blog');

describe('planning an import', () => {
  it('creates a missing site and all its checks', () => {
    const plan = planImport(file('sites:\n  - slug: new\n    name: New\n    checks:\n      - { type: dns, target: new.example.com }\n'), { sites: [], checks: [] }, { prune: false });
    expect(plan.changes.map(describeChange)).toEqual(['+ site new', '+ check new: dns new.example.com']);
    expect(summarizePlan(plan)).toBe('1 site created, 1 check created');
  });

  it('finds no changes when the controller already matches, whatever the order of spec keys', () => {
    const current = {
      sites: [shop],
      checks: [serverCheck(shop, '{ type: http, target: "https://shop.example.com/", spec: { method: POST, verify_tls: false } }')],
    };
    current.checks[0].spec = Object.fromEntries(Object.entries(current.checks[0].spec).reverse()) as CheckJson['spec'];
    const plan = planImport(
      file('sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: http, target: "https://shop.example.com", spec: { verify_tls: false, method: POST } }\n'),
      current,
      { prune: true },
    );
    expect(plan.changes).toEqual([]);
    expect(summarizePlan(plan)).toBe('no changes');
  });

  it('sets and removes the degraded latency as the file says', () => {
    const entry = (extra: string) => file(`sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: http, target: "https://shop.example.com/"${extra} }\n`);
    const plain = serverCheck(shop, '{ type: http, target: "https://shop.example.com/" }');
    const slow = serverCheck(shop, '{ type: http, target: "https://shop.example.com/", degraded_latency_ms: 800 }');
    expect(planImport(entry(', degraded_latency_ms: 800'), { sites: [shop], checks: [plain] }, { prune: false }).changes).toEqual([
      expect.objectContaining({ patch: { degraded_latency_ms: 800 } }),
    ]);
    expect(planImport(entry(''), { sites: [shop], checks: [slow] }, { prune: false }).changes).toEqual([
      expect.objectContaining({ patch: { degraded_latency_ms: null } }),
    ]);
    expect(planImport(entry(', degraded_latency_ms: 800'), { sites: [shop], checks: [slow] }, { prune: false }).changes).toEqual([]);
  });

  it('opts a check in and out of the Prometheus series as the file says, leaving it out meaning out', () => {
    const entry = (extra: string) => file(`sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: http, target: "https://shop.example.com/"${extra} }\n`);
    const plain = serverCheck(shop, '{ type: http, target: "https://shop.example.com/" }');
    const metered = serverCheck(shop, '{ type: http, target: "https://shop.example.com/", export_metrics: true }');
    expect(metered.export_metrics).toBe(true);
    expect(planImport(entry(', export_metrics: true'), { sites: [shop], checks: [plain] }, { prune: false }).changes).toEqual([
      expect.objectContaining({ patch: { export_metrics: true }, fields: [{ field: 'export_metrics', before: false, after: true }] }),
    ]);
    expect(planImport(entry(''), { sites: [shop], checks: [metered] }, { prune: false }).changes).toEqual([expect.objectContaining({ patch: { export_metrics: false } })]);
    expect(planImport(entry(', export_metrics: true'), { sites: [shop], checks: [metered] }, { prune: false }).changes).toEqual([]);
  });

  it('patches only the fields that differ, naming each with its old and new value', () => {
    const check = serverCheck(shop, '{ type: tcp, target: "db:5432", interval_s: 60, down_interval_s: 30, spec: { tls: true } }');
    const plan = planImport(
      file('sites:\n  - slug: shop\n    name: Shop\n    public_status_page: true\n    slo_target_pct: 99.9\n    checks:\n      - { type: tcp, target: "db:5432", interval_s: 120, locations: ["@controller"] }\n'),
      { sites: [shop], checks: [check] },
      { prune: false },
    );
    expect(plan.changes.map(describeChange)).toEqual([
      '~ site shop (name "SHOP" → "Shop", public_status_page false → true, slo_target_pct null → 99.9)',
      '~ check shop: tcp db:5432 (interval_s 60 → 120, down_interval_s 30 → null, locations [] → ["@controller"], spec.tls true → false)',
    ]);
    expect(plan.changes[0]).toMatchObject({ patch: { name: 'Shop', public_status_page: true, slo_target_pct: 99.9 } });
    expect(plan.changes[1]).toMatchObject({
      checkId: check.id,
      patch: { interval_s: 120, down_interval_s: null, locations: ['@controller'], spec: { tls: false } },
    });
    expect(Object.keys((plan.changes[1] as { patch: object }).patch)).toEqual(['interval_s', 'down_interval_s', 'locations', 'spec']);
  });

  it('matches checks by type, target and name: another name is another check', () => {
    const named = serverCheck(shop, '{ type: dns, target: shop.example.com, name: Apex }');
    const current = { sites: [shop], checks: [named] };
    const yaml = 'sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: dns, target: shop.example.com, name: Root }\n';
    const kept = planImport(file(yaml), current, { prune: false });
    expect(kept.changes.map(describeChange)).toEqual(['+ check shop: dns shop.example.com "Root"']);
    expect(summarizePlan(kept)).toBe('1 check created; 1 check not in the file kept (--prune deletes them)');
    const pruned = planImport(file(yaml), current, { prune: true });
    expect(pruned.changes.map(describeChange)).toEqual(['+ check shop: dns shop.example.com "Root"', '- check shop: dns shop.example.com "Apex"']);
    expect(pruned.changes[1]).toMatchObject({ action: 'delete', checkId: named.id });
  });

  it('keeps one of two alike checks on the controller, the oldest, and prunes the other', () => {
    const older = serverCheck(shop, '{ type: dns, target: shop.example.com }');
    const newer = serverCheck(shop, '{ type: dns, target: shop.example.com }');
    const plan = planImport(file('sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: dns, target: shop.example.com }\n'), { sites: [shop], checks: [older, newer] }, { prune: true });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'delete', checkId: newer.id })]);
  });

  it('deletes sites the file does not list only with prune, and counts them as kept otherwise', () => {
    const yaml = 'sites:\n  - slug: shop\n    name: SHOP\n';
    const current = { sites: [blog, shop], checks: [serverCheck(blog, '{ type: dns, target: blog.example.com }')] };
    expect(summarizePlan(planImport(file(yaml), current, { prune: false }))).toBe('no changes; 1 site not in the file kept (--prune deletes them)');
    const pruned = planImport(file(yaml), current, { prune: true });
    expect(pruned.changes).toEqual([{ kind: 'site', action: 'delete', slug: 'blog', siteId: blog.id }]);
    expect(summarizePlan(pruned)).toBe('1 site deleted');
  });

  it('shortens long values in its lines', () => {
    const check = serverCheck(shop, '{ type: http, target: "https://shop.example.com/" }');
    const plan = planImport(
      file(`sites:\n  - slug: shop\n    name: SHOP\n    checks:\n      - { type: http, target: "https://shop.example.com/", spec: { keyword_present: "${'x'.repeat(100)}" } }\n`),
      { sites: [shop], checks: [check] },
      { prune: false },
    );
    expect(describeChange(plan.changes[0])).toBe(`~ check shop: http https://shop.example.com/ (spec.keyword_present (none) → "${'x'.repeat(56)}...)`);
  });
});
