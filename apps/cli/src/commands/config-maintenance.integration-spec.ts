import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

interface Controller {
  harness: ControllerHarness;
  server: Listening;
  vigil: RunCli;
}

async function startController(): Promise<Controller> {
  const harness = await createControllerHarness('embedded');
  const server = await listen(harness.app);
  return { harness, server, vigil: cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) }) };
}

/** A controller's windows without what differs between controllers (ids, times of creation, activity). */
async function windowsOf({ harness }: Controller) {
  const get = async (path: string) => (await request(harness.app).get(path).set('Authorization', harness.admin).expect(200)).body.data;
  const checks: Array<{ id: string; name: string | null }> = await get('/api/v1/checks?limit=500');
  const windows: Array<Record<string, unknown>> = await get('/api/v1/maintenance-windows?limit=500');
  return windows.map(({ starts_at, ends_at, rrule, timezone, duration_s, reason, check_id }) => ({
    check: checks.find((check) => check.id === check_id)?.name ?? null,
    starts_at,
    ends_at,
    rrule,
    timezone,
    duration_s,
    reason,
  }));
}

// PGlite only: what is tested is the file's mapping to the API.
describe('vigil export and import of maintenance windows', () => {
  let source: Controller;
  let target: Controller;
  let dir: string;
  let document: { sites: Array<Record<string, unknown> & { maintenance: Array<Record<string, unknown>> }> };

  beforeAll(async () => {
    source = await startController();
    target = await startController();
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-maintenance-'));
    const post = async (path: string, body: object) =>
      (await request(source.harness.app).post(path).set('Authorization', source.harness.admin).send(body).expect(201)).body as { id: string };
    const ops = await post('/api/v1/sites', { name: 'Ops', slug: 'ops' });
    const db = await post('/api/v1/checks', { site_id: ops.id, type: 'tcp', target: 'db.example.com:5432', name: 'DB' });
    await post('/api/v1/maintenance-windows', {
      site_id: ops.id,
      starts_at: '2030-03-24T01:30:00Z',
      rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3',
      timezone: 'Europe/Paris',
      duration_s: 3600,
      reason: 'patching',
    });
    await post('/api/v1/maintenance-windows', { site_id: ops.id, check_id: db.id, starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T02:00:00Z' });
    // Open-ended (no COUNT or UNTIL) and for one check: the file has no ends_at for it either.
    await post('/api/v1/maintenance-windows', { site_id: ops.id, check_id: db.id, starts_at: '2029-06-03T00:00:00Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', timezone: 'UTC', duration_s: 1800 });
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
    writeFileSync(path, stringify(content));
    return path;
  };

  it('exports each site\'s windows, one-off and recurring, naming a check by type, target and name', async () => {
    const { code, stdout } = await source.vigil(['export']);
    expect(code).toBe(0);
    document = parse(stdout);
    expect(document.sites[0].maintenance).toEqual([
      { starts_at: '2030-03-24T01:30:00.000Z', rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', timezone: 'Europe/Paris', duration_s: 3600, reason: 'patching' },
      { check: { type: 'tcp', target: 'db.example.com:5432', name: 'DB' }, starts_at: '2030-01-01T00:00:00.000Z', ends_at: '2030-01-01T02:00:00.000Z' },
      { check: { type: 'tcp', target: 'db.example.com:5432', name: 'DB' }, starts_at: '2029-06-03T00:00:00.000Z', rrule: 'FREQ=WEEKLY;BYDAY=SU', timezone: 'UTC', duration_s: 1800 },
    ]);
  });

  it('reproduces them in an empty controller, and changes nothing the second time', async () => {
    const path = file('exported.yaml', document);
    const { code, stdout } = await target.vigil(['import', path]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '+ site ops',
      '+ check ops: tcp db.example.com:5432 "DB"',
      '+ maintenance ops: 2030-03-24T01:30:00.000Z FREQ=WEEKLY;BYDAY=SU;COUNT=3 (Europe/Paris, 3600 s)',
      '+ maintenance ops: 2030-01-01T00:00:00.000Z to 2030-01-01T02:00:00.000Z of tcp db.example.com:5432 "DB"',
      '+ maintenance ops: 2029-06-03T00:00:00.000Z FREQ=WEEKLY;BYDAY=SU (UTC, 1800 s) of tcp db.example.com:5432 "DB"',
      '1 site created, 1 check created, 3 maintenance windows created.',
      '',
    ]);
    expect(await windowsOf(target)).toEqual(await windowsOf(source));
    expect((await target.vigil(['import', path])).stdout).toBe('No changes.\n');
  });

  it('changes a reason in place, keeps a window the file drops, and deletes it with --prune', async () => {
    const edited = structuredClone(document);
    edited.sites[0].maintenance[0]['reason'] = 'kernel';
    edited.sites[0].maintenance.splice(1, 2);
    const path = file('edited.yaml', edited);
    const kept = await target.vigil(['import', path]);
    expect(kept.stdout).toBe(
      '~ maintenance ops: 2030-03-24T01:30:00.000Z FREQ=WEEKLY;BYDAY=SU;COUNT=3 (Europe/Paris, 3600 s) (reason "patching" → "kernel")\n' +
        '1 maintenance window changed; 2 maintenance windows not in the file kept (--prune deletes them).\n',
    );
    const pruned = await target.vigil(['import', path, '--prune']);
    expect(pruned.stdout).toBe(
      '- maintenance ops: 2030-01-01T00:00:00.000Z to 2030-01-01T02:00:00.000Z of tcp db.example.com:5432 "DB"\n' +
        '- maintenance ops: 2029-06-03T00:00:00.000Z FREQ=WEEKLY;BYDAY=SU (UTC, 1800 s) of tcp db.example.com:5432 "DB"\n2 maintenance windows deleted.\n',
    );
    expect((await windowsOf(target)).map((w) => [w.rrule, w.reason])).toEqual([['FREQ=WEEKLY;BYDAY=SU;COUNT=3', 'kernel']]);
  });

  it('reports every bad window with its path before changing anything', async () => {
    const before = await windowsOf(target);
    const bad = structuredClone(document);
    bad.sites[0].maintenance = [
      { starts_at: '2030-03-24T01:30:00Z', rrule: 'FREQ=DAILY;COUNT=2', duration_s: 60 },
      { check: { type: 'tcp', target: 'cache.example.com:6379' }, starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' },
      { starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z', check_id: 'x' },
    ];
    const path = file('bad.yaml', bad);
    const { code, stderr } = await target.vigil(['import', path]);
    expect(code).toBe(2);
    expect(stderr.split('\n')).toEqual([
      `vigil: ${path} has 3 problems; nothing was changed:`,
      '  sites[0].maintenance[0].timezone: is required with rrule',
      '  sites[0].maintenance[1].check: is not a check listed under this site (same type, target and name)',
      '  sites[0].maintenance[2]: site_id and check_id are not allowed here; a window belongs to the site it is listed under, and names its check by check:',
      '',
    ]);
    expect(await windowsOf(target)).toEqual(before);
  });
});
