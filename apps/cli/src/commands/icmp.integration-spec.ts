import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { parse } from 'yaml';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

// Issue 17: icmp checks through the CLI (create, update, list) and through export and import.
// PostgreSQL too: the type is a value a migration adds to the check_type enum.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('vigil and icmp checks on %s', (kind) => {
  const controllers: Array<{ harness: ControllerHarness; server: Listening }> = [];
  let dir: string;

  async function controller(): Promise<RunCli> {
    const harness = await createControllerHarness(kind);
    const server = await listen(harness.app);
    await harness.addRunner('us-1');
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
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-icmp-'));
    await json(source, ['sites', 'create', 'Network', '--slug', 'network']);
  });
  afterAll(async () => {
    for (const { harness, server } of controllers) {
      await server.close();
      await harness.dispose();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  let routerId: string;

  it('creates an icmp check with its spec and says what it did', async () => {
    const created = await source([
      'checks', 'create', 'icmp', 'Router.Example.com', '--site', 'network', '--timeout-ms', '6000',
      '--spec', '{"count":5,"max_loss_percent":20,"degraded_rtt_ms":50}',
    ]);
    expect(created).toEqual({ code: 0, stdout: expect.stringMatching(/^Created check [0-9a-f-]{36}: icmp router\.example\.com every 60s at all\.\n$/), stderr: '' });
    const [listed] = await json<Array<Record<string, unknown>>>(source, ['checks', 'list', '--site', 'network']);
    expect(listed).toMatchObject({
      type: 'icmp',
      target: 'router.example.com',
      timeout_ms: 6000,
      spec: { count: 5, interval_ms: 1000, max_loss_percent: 20, degraded_rtt_ms: 50 },
    });
    routerId = listed['id'] as string;
    const v6 = await json(source, ['checks', 'create', 'icmp', '[2001:db8::1]', '--site', 'network', '--locations', 'us-1']);
    expect(v6).toMatchObject({ type: 'icmp', target: '2001:db8::1', spec: { count: 3, interval_ms: 1000, max_loss_percent: 0 } });
  });

  it('changes the spec and timeout, and shows the API’s message when the packets would not fit', async () => {
    const changed = await json(source, ['checks', 'update', routerId, '--spec', '{"count":4,"interval_ms":500,"max_loss_percent":25,"degraded_rtt_ms":50}']);
    expect(changed).toMatchObject({ id: routerId, spec: { count: 4, interval_ms: 500, max_loss_percent: 25, degraded_rtt_ms: 50 } });
    const tooShort = await source(['checks', 'update', routerId, '--timeout-ms', '1500']);
    expect(tooShort).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*spec\.count.*more than timeout_ms \(1500\).*\n$/) });
    const badTarget = await source(['checks', 'create', 'icmp', 'router.example.com:22', '--site', 'network']);
    expect(badTarget).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^vigil: 422 validation_failed: .*target.*must be a host.*\n$/) });
  });

  it('exports icmp checks with the spec values that are not defaults, and imports them unchanged', async () => {
    const exported = await source(['export']);
    expect(exported.code).toBe(0);
    expect(parse(exported.stdout).sites).toEqual([
      {
        slug: 'network',
        name: 'Network',
        checks: [
          { type: 'icmp', target: 'router.example.com', timeout_ms: 6000, spec: { count: 4, interval_ms: 500, max_loss_percent: 25, degraded_rtt_ms: 50 } },
          { type: 'icmp', target: '2001:db8::1', locations: ['us-1'] },
        ],
      },
    ]);
    const path = join(dir, 'network.yaml');
    writeFileSync(path, exported.stdout);
    const imported = await target(['import', path]);
    expect(imported).toEqual({
      code: 0,
      stdout: ['+ site network', '+ check network: icmp router.example.com', '+ check network: icmp 2001:db8::1', '1 site created, 2 checks created.', ''].join('\n'),
      stderr: '',
    });
    expect((await target(['export'])).stdout).toBe(exported.stdout);
    expect(await target(['import', path])).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
  });

  it('plans a change of an icmp spec from the file', async () => {
    const document = parse((await target(['export'])).stdout);
    document.sites[0].checks[1].spec = { max_loss_percent: 34 };
    const path = join(dir, 'edited.yaml');
    writeFileSync(path, JSON.stringify(document));
    const { code, stdout } = await target(['import', path]);
    expect(code).toBe(0);
    expect(stdout).toBe('~ check network: icmp 2001:db8::1 (spec.max_loss_percent 0 → 34)\n1 check changed.\n');
    const checks = await json<Array<Record<string, unknown>>>(target, ['checks', 'list', '--site', 'network']);
    expect(checks.find((check) => check['target'] === '2001:db8::1')).toMatchObject({ spec: { count: 3, interval_ms: 1000, max_loss_percent: 34 } });
  });
});
