import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { parse } from 'yaml';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

// Issue 17: heartbeat checks through the CLI (create with --period/--grace, update one of them,
// the ping URL and its rotation) and through export and import, which leave out the settings
// that follow from the spec. PostgreSQL too: the type is a value a migration adds.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('vigil and heartbeat checks on %s', (kind) => {
  const controllers: Array<{ harness: ControllerHarness; server: Listening }> = [];
  let dir: string;

  async function controller(): Promise<RunCli> {
    const harness = await createControllerHarness(kind, { publicUrl: 'https://vigil.example' });
    const server = await listen(harness.app);
    controllers.push({ harness, server });
    return cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) });
  }
  const json = async <T = Record<string, unknown>>(vigil: RunCli, argv: string[]): Promise<T> => {
    const { code, stdout, stderr } = await vigil([...argv, '--json']);
    if (code !== 0) throw new Error(`vigil ${argv.join(' ')} exited ${code}: ${stderr}`);
    return JSON.parse(stdout) as T;
  };

  let source: RunCli;
  let target: RunCli;
  beforeAll(async () => {
    source = await controller();
    target = await controller();
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-heartbeat-'));
    await json(source, ['sites', 'create', 'Jobs', '--slug', 'jobs']);
  });
  afterAll(async () => {
    for (const { harness, server } of controllers) {
      await server.close();
      await harness.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  let backupId: string;

  it('creates a heartbeat check from --period and --grace and prints its ping URL with the cron example', async () => {
    const created = await source(['checks', 'create', 'heartbeat', 'nightly-backup', '--site', 'jobs', '--period', '3600', '--grace', '300']);
    expect(created.code).toBe(0);
    const lines = created.stdout.split('\n');
    expect(lines[0]).toMatch(/^Created check [0-9a-f-]{36}: heartbeat nightly-backup every 3900s at @heartbeat\.$/);
    expect(lines[1]).toMatch(/^Ping URL \(keep it secret\): https:\/\/vigil\.example\/ping\/[A-Za-z0-9_-]{32}$/);
    expect(lines[2]).toMatch(/^After the job: curl -fsS -m 10 --retry 5 https:\/\/vigil\.example\/ping\/[A-Za-z0-9_-]{32}$/);
    const [listed] = await json<Array<Record<string, unknown>>>(source, ['checks', 'list', '--site', 'jobs']);
    expect(listed).toMatchObject({ type: 'heartbeat', target: 'nightly-backup', spec: { period_s: 3600, grace_s: 300 }, interval_s: 3900 });
    backupId = listed['id'] as string;
  });

  it('changes --grace alone, keeping the period; refuses schedule flags with the API’s message', async () => {
    expect(await json(source, ['checks', 'update', backupId, '--grace', '600'])).toMatchObject({ spec: { period_s: 3600, grace_s: 600 }, interval_s: 4200 });
    const refused = await source(['checks', 'update', backupId, '--interval-s', '60']);
    expect(refused).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: interval_s: cannot be set on a heartbeat check.*\n$/) });
  });

  it('shows the ping URL and rotates it', async () => {
    const before = await json<{ token: string; ping_url: string }>(source, ['checks', 'ping-url', backupId]);
    const after = await json<{ token: string; ping_url: string }>(source, ['checks', 'ping-url', backupId, '--rotate']);
    expect(after.token).not.toBe(before.token);
    expect(after.ping_url).toBe(`https://vigil.example/ping/${after.token}`);
  });

  it('exports a heartbeat check without its derived settings, and imports it unchanged', async () => {
    await json(source, ['checks', 'create', 'heartbeat', 'daily-report', '--site', 'jobs']);
    const exported = await source(['export']);
    expect(exported.code).toBe(0);
    expect(parse(exported.stdout).sites[0].checks).toEqual([
      { type: 'heartbeat', target: 'nightly-backup', spec: { period_s: 3600, grace_s: 600 } },
      { type: 'heartbeat', target: 'daily-report' },
    ]);
    const path = join(dir, 'jobs.yaml');
    writeFileSync(path, exported.stdout);
    expect((await target(['import', path])).code).toBe(0);
    expect((await target(['export'])).stdout).toBe(exported.stdout);
    expect(await target(['import', path])).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
  });
});
