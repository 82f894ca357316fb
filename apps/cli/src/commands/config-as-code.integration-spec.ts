import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

interface Controller {
  harness: ControllerHarness;
  server: Listening;
  vigil: RunCli;
}

async function startController(kind: Parameters<typeof createControllerHarness>[0]): Promise<Controller> {
  const harness = await createControllerHarness(kind);
  const server = await listen(harness.app);
  await harness.addRunner('us-1');
  return { harness, server, vigil: cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) }) };
}

const PER_CONTROLLER = ['id', 'site_id', 'status', 'created_at', 'updated_at', 'last_checked_at', 'effective_locations'];

/** A controller's sites and checks, without what differs between two controllers (ids, times, status). */
async function configuration({ harness }: Controller) {
  const get = async (path: string) => (await request(harness.app).get(path).set('Authorization', harness.admin).expect(200)).body.data;
  const sites: Array<{ id: string; slug: string; name: string; public_status_page: boolean }> = await get('/api/v1/sites?limit=500');
  const checks: Array<Record<string, unknown>> = await get('/api/v1/checks?limit=500');
  return sites.map((site) => ({
    slug: site.slug,
    name: site.name,
    public_status_page: site.public_status_page,
    checks: checks
      .filter((check) => check['site_id'] === site.id)
      .map((check) => Object.fromEntries(Object.entries(check).filter(([field]) => !PER_CONTROLLER.includes(field)))),
  }));
}

describe.each(testDatabaseKinds())('vigil export and import on %s', (kind) => {
  let source: Controller;
  let target: Controller;
  let dir: string;
  let exported: string;

  beforeAll(async () => {
    source = await startController(kind);
    target = await startController(kind);
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-import-'));
    const post = async (path: string, body: object) =>
      (await request(source.harness.app).post(path).set('Authorization', source.harness.admin).send(body).expect(201)).body as { id: string };
    const shop = await post('/api/v1/sites', { name: 'Shop', slug: 'shop', public_status_page: true });
    const blog = await post('/api/v1/sites', { name: 'Blog', slug: 'blog' });
    await post('/api/v1/checks', {
      site_id: shop.id,
      type: 'http',
      target: 'https://shop.example.com',
      interval_s: 30,
      spec: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', expected_statuses: [200], keyword_present: 'ok' },
    });
    await post('/api/v1/checks', { site_id: shop.id, type: 'http', target: 'https://shop.example.com/health', name: 'Health', timeout_ms: 2000, export_metrics: true });
    await post('/api/v1/checks', {
      site_id: shop.id,
      type: 'tcp',
      target: 'db.example.com:5432',
      locations: ['us-1', '@controller'],
      failing_locations_threshold: 1,
      failing_threshold: 3,
      enabled: false,
    });
    await post('/api/v1/checks', { site_id: blog.id, type: 'tls_cert', target: 'blog.example.com', spec: { warning_days: 14, degraded_days: 3 } });
    await post('/api/v1/checks', { site_id: blog.id, type: 'http', target: 'https://blog.example.com/', interval_s: 120, down_interval_s: 30 });
    await post('/api/v1/checks', { site_id: blog.id, type: 'dns', target: 'blog.example.com', spec: { record_type: 'AAAA' } });
    // Two databases to open and migrate.
  }, 120_000);
  afterAll(async () => {
    for (const controller of [source, target]) {
      await controller?.server.close();
      await controller?.harness.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : stringify(content));
    return path;
  };

  it('exports sites and their checks as YAML, leaving out values that are the defaults', async () => {
    const { code, stdout, stderr } = await source.vigil(['export']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    exported = stdout;
    expect(stdout.startsWith('# Vigil sites and checks.')).toBe(true);
    expect(parse(stdout)).toEqual({
      sites: [
        {
          slug: 'blog',
          name: 'Blog',
          checks: [
            { type: 'tls_cert', target: 'blog.example.com:443', spec: { warning_days: 14, degraded_days: 3 } },
            { type: 'http', target: 'https://blog.example.com/', interval_s: 120, down_interval_s: 30 },
            { type: 'dns', target: 'blog.example.com', spec: { record_type: 'AAAA' } },
          ],
        },
        {
          slug: 'shop',
          name: 'Shop',
          public_status_page: true,
          checks: [
            {
              type: 'http',
              target: 'https://shop.example.com/',
              interval_s: 30,
              spec: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', expected_statuses: [200], keyword_present: 'ok' },
            },
            { name: 'Health', type: 'http', target: 'https://shop.example.com/health', timeout_ms: 2000, export_metrics: true },
            { type: 'tcp', target: 'db.example.com:5432', locations: ['us-1', '@controller'], failing_threshold: 3, failing_locations_threshold: 1, enabled: false },
          ],
        },
      ],
    });
  });

  it('reproduces the same sites and checks in an empty controller', async () => {
    const path = join(dir, 'exported.yaml');
    const written = await source.vigil(['export', '--output', path]);
    expect(written).toEqual({ code: 0, stdout: '', stderr: `Wrote 2 sites and 6 checks to ${path}.\n` });
    expect(readFileSync(path, 'utf8')).toBe(exported);

    const { code, stdout } = await target.vigil(['import', path]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '+ site blog',
      '+ check blog: tls_cert blog.example.com:443',
      '+ check blog: http https://blog.example.com/',
      '+ check blog: dns blog.example.com',
      '+ site shop',
      '+ check shop: http https://shop.example.com/',
      '+ check shop: http https://shop.example.com/health "Health"',
      '+ check shop: tcp db.example.com:5432',
      '2 sites created, 6 checks created.',
      '',
    ]);
    expect(await configuration(target)).toEqual(await configuration(source));
    expect((await target.vigil(['export'])).stdout).toBe(exported);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await configuration(target);
    expect(await target.vigil(['import', file('again.yaml', exported)])).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
    expect(await configuration(target)).toEqual(before);
  });

  it('exports the same content as JSON with --json, which import reads too', async () => {
    const { code, stdout } = await source.vigil(['export', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(parse(exported));
    expect(await target.vigil(['import', file('exported.json', stdout)])).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
  });

  /** The exported file with the shop's first check at 45 s, its Health check gone and a new one added. */
  function edited() {
    const document = parse(exported);
    const shop = document.sites[1];
    shop.checks[0].interval_s = 45;
    shop.checks.splice(1, 1);
    shop.checks.push({ type: 'dns', target: 'shop.example.com' });
    return document;
  }

  it('prints the plan and changes nothing with --dry-run', async () => {
    const before = await configuration(target);
    const { code, stdout } = await target.vigil(['import', file('edited.yaml', edited()), '--dry-run', '--prune']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '~ check shop: http https://shop.example.com/ (interval_s 30 → 45)',
      '+ check shop: dns shop.example.com',
      '- check shop: http https://shop.example.com/health "Health"',
      'Dry run, nothing changed: 1 check created, 1 check changed, 1 check deleted.',
      '',
    ]);
    expect(await configuration(target)).toEqual(before);
  });

  it('makes the changes, keeping what the file does not list unless --prune is given', async () => {
    const { code, stdout } = await target.vigil(['import', file('edited.yaml', edited())]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '~ check shop: http https://shop.example.com/ (interval_s 30 → 45)',
      '+ check shop: dns shop.example.com',
      '1 check created, 1 check changed; 1 check not in the file kept (--prune deletes them).',
      '',
    ]);
    const shop = (await configuration(target)).find((site) => site.slug === 'shop');
    expect(shop?.checks.map((check) => [check['type'], check['target'], check['interval_s']])).toEqual([
      ['http', 'https://shop.example.com/', 45],
      ['http', 'https://shop.example.com/health', 60],
      ['tcp', 'db.example.com:5432', 60],
      ['dns', 'shop.example.com', 60],
    ]);
  });

  it('changes spec and site fields in place, naming each change', async () => {
    const document = edited();
    document.sites[1].name = 'The Shop';
    document.sites[1].checks[0].spec.method = 'PUT';
    delete document.sites[1].checks[1].enabled;
    const { code, stdout } = await target.vigil(['import', file('spec.yaml', document)]);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      '~ site shop (name "Shop" → "The Shop")',
      '~ check shop: http https://shop.example.com/ (spec.method "POST" → "PUT")',
      '~ check shop: tcp db.example.com:5432 (enabled false → true)',
    ]);
    expect((await target.vigil(['import', file('spec.yaml', document)])).stdout).toBe(
      'No changes; 1 check not in the file kept (--prune deletes them).\n',
    );
  });

  it('deletes the checks and sites the file does not list with --prune', async () => {
    const document = edited();
    document.sites.splice(0, 1);
    const { code, stdout } = await target.vigil(['import', file('pruned.yaml', document), '--prune']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '~ site shop (name "The Shop" → "Shop")',
      '~ check shop: http https://shop.example.com/ (spec.method "PUT" → "POST")',
      '~ check shop: tcp db.example.com:5432 (enabled true → false)',
      '- check shop: http https://shop.example.com/health "Health"',
      '- site blog',
      '1 site changed, 1 site deleted, 2 checks changed, 1 check deleted.',
      '',
    ]);
    const after = await configuration(target);
    expect(after.map((site) => site.slug)).toEqual(['shop']);
    expect(after[0].checks).toHaveLength(3);
  });

  it('reports every problem of an invalid file with its path, exits 2 and changes nothing', async () => {
    const before = await configuration(target);
    const document = parse(exported);
    document.sites[0].slug = 'Bad Slug';
    document.sites[0].checks[1].interval_s = 5;
    document.sites[1].checks[1].type = 'ftp';
    document.sites[1].checks[2].colour = 'red';
    document.sites[1].checks.push({ type: 'http', target: 'https://shop.example.com' });
    document.sites.push({ slug: 'shop', name: 'Again' });
    const path = file('invalid.yaml', document);
    const { code, stdout, stderr } = await target.vigil(['import', path]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`vigil: ${path} has 6 problems; nothing was changed:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}sites\[0\]\.slug: /),
      expect.stringMatching(/^ {2}sites\[0\]\.checks\[1\]\.interval_s: /),
      '  sites[1].checks[1].type: must be one of http, tcp, dns, tls_cert, icmp, heartbeat',
      '  sites[1].checks[2].colour: is not a known field',
      '  sites[1].checks[3]: is the same check as sites[1].checks[0] (same type, target and name); give one a name',
      '  sites[2].slug: "shop" is already the slug of sites[1]',
    ]);
    expect(await configuration(target)).toEqual(before);
  });

  it('reports a YAML syntax error with its position and exits 2', async () => {
    const { code, stderr } = await target.vigil(['import', file('broken.yaml', 'sites:\n  - slug: a\n    slug: b\n')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: .*broken\.yaml has 1 problem; nothing was changed:\n {2}Map keys must be unique at line 3, column 5\n$/);
  });

  it('refuses locations that name no active runner, before changing anything', async () => {
    const before = await configuration(target);
    const document = edited();
    document.sites[1].name = 'Renamed';
    document.sites[1].checks.push({ type: 'tcp', target: 'cache.example.com:6379', locations: ['us-1', 'mars-1'] });
    const { code, stderr } = await target.vigil(['import', file('locations.yaml', document)]);
    expect(code).toBe(2);
    expect(stderr).toContain('  sites[1].checks[3].locations[1]: no active runner has the slug "mars-1"');
    expect(await configuration(target)).toEqual(before);
  });

  it('gives a read-only key exit code 1 and the 403 message', async () => {
    const document = edited();
    document.sites.splice(0, 1);
    document.sites[0].name = 'Renamed';
    const readOnly = bareKey(await target.harness.keyWith(['read'], 'auditor'));
    const { code, stdout, stderr } = await target.vigil(['import', file('read-only.yaml', document), '--api-key', readOnly]);
    expect(code).toBe(1);
    expect(stdout).toBe('~ site shop (name "Shop" → "Renamed")\n');
    expect(stderr).toBe(
      'vigil: ~ site shop (name "Shop" → "Renamed") failed: 403 forbidden: This route needs the "write" scope; the key "auditor" has "read" (nothing was changed)\n',
    );
  });

  it('exits 2 with the usage when the file is not given', async () => {
    const { code, stderr } = await target.vigil(['import', '--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: missing <file>\n\nUsage: vigil import <file> \[flags\]/);
  });
});
