import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, runnerEnv } from '@vigil/config';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { testDatabaseKinds } from '@vigil/db/testing';
import { createRunnerSigner } from '@vigil/runner-auth';
import { bareKey, cliWith, listen, type Listening, type RunCli } from '../test-helpers';

/** `NAME=value` lines as a POSIX shell reads them (single quotes only, as the CLI writes them). */
function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match === null) throw new Error(`not an env line: ${line}`);
    const [, name, raw] = match;
    env[name] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw;
  }
  return env;
}

describe.each(testDatabaseKinds())('vigil runners on %s', (kind) => {
  let harness: ControllerHarness;
  let server: Listening;
  let dir: string;
  let vigil: RunCli;

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    server = await listen(harness.app);
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-runners-'));
    vigil = cliWith({ VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin), VIGIL_DATA_DIR: dir });
  });
  afterAll(async () => {
    await server.close();
    await harness.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the runner API answers a poll signed with this key. */
  async function pollStatus(slug: string, privateKeyPem: string): Promise<number> {
    const token = createRunnerSigner({ slug, privateKeyPem }).token();
    // As a runner whose canaries fail would: the list shows what it last said.
    const response = await fetch(`${server.url}/api/runner/checks`, { headers: { authorization: `Bearer ${token}`, 'vigil-connectivity': 'impaired' } });
    await response.arrayBuffer();
    return response.status;
  }

  it('creates a runner and prints an environment the runner accepts, with the key inline', async () => {
    const { code, stdout, stderr } = await vigil(['runners', 'create', 'us-east-1', '--name', 'Virginia']);
    expect(code).toBe(0);
    const env = parseEnvLines(stdout);
    expect(Object.keys(env)).toEqual(['VIGIL_CONTROLLER_URL', 'VIGIL_RUNNER_SLUG', 'VIGIL_RUNNER_KEY']);
    expect(stdout).toMatch(/^VIGIL_RUNNER_KEY='-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----'$/m);
    expect(stderr).toContain('shown only here');
    // The runner's own configuration reads it back, literal \n and all.
    const config = loadConfig(runnerEnv, env);
    expect(config).toMatchObject({ VIGIL_CONTROLLER_URL: server.url, VIGIL_RUNNER_SLUG: 'us-east-1' });
    expect(await pollStatus('us-east-1', config.VIGIL_RUNNER_KEY)).toBe(200);
    expect((await harness.db.prisma.runner.findUniqueOrThrow({ where: { slug: 'us-east-1' } })).name).toBe('Virginia');
  });

  it('writes the key to a new file with mode 0600 and prints VIGIL_RUNNER_KEY_FILE instead', async () => {
    const keyFile = join(dir, 'eu-west-1.pem');
    const { code, stdout, stderr } = await vigil(['runners', 'create', 'eu-west-1', '--key-file', keyFile]);
    expect(code).toBe(0);
    expect(parseEnvLines(stdout)).toEqual({ VIGIL_CONTROLLER_URL: server.url, VIGIL_RUNNER_SLUG: 'eu-west-1', VIGIL_RUNNER_KEY_FILE: keyFile });
    expect(stdout).not.toContain('PRIVATE KEY');
    expect(stderr).toContain(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const config = loadConfig(runnerEnv, parseEnvLines(stdout));
    expect(await pollStatus('eu-west-1', config.VIGIL_RUNNER_KEY)).toBe(200);
  });

  it('refuses to overwrite an existing key file, before any runner is created', async () => {
    const keyFile = join(dir, 'taken.pem');
    writeFileSync(keyFile, 'keep me');
    const { code, stdout, stderr } = await vigil(['runners', 'create', 'ap-south-1', '--key-file', keyFile]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`vigil: ${keyFile} already exists; not overwriting it (remove it or choose another --key-file)\n`);
    expect(readFileSync(keyFile, 'utf8')).toBe('keep me');
    expect(await harness.db.prisma.runner.findUnique({ where: { slug: 'ap-south-1' } })).toBeNull();
  });

  it('prints the JSON answer with --json, the new key included', async () => {
    const { code, stdout } = await vigil(['runners', 'create', 'sa-east-1', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ slug: 'sa-east-1', controller_url: server.url, private_key: expect.stringContaining('BEGIN PRIVATE KEY') });
  });

  it('reports a slug that is taken with exit code 1 and the controller\'s message', async () => {
    const { code, stderr } = await vigil(['runners', 'create', 'us-east-1']);
    expect(code).toBe(1);
    expect(stderr).toBe('vigil: 409 conflict: A runner with the slug "us-east-1" already exists; slugs are not reused, so pick another slug\n');
  });

  it('rotates a key: the new one is accepted and the old one refused', async () => {
    const created = loadConfig(runnerEnv, parseEnvLines((await vigil(['runners', 'create', 'rotating'])).stdout));
    const rotated = await vigil(['runners', 'rotate-key', 'rotating']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('Rotated the key of runner "rotating"');
    const config = loadConfig(runnerEnv, parseEnvLines(rotated.stdout));
    expect(config.VIGIL_RUNNER_KEY).not.toBe(created.VIGIL_RUNNER_KEY);
    expect(await pollStatus('rotating', config.VIGIL_RUNNER_KEY)).toBe(200);
    expect(await pollStatus('rotating', created.VIGIL_RUNNER_KEY)).toBe(401);
  });

  it('revokes a runner, whose key is refused from then on', async () => {
    const config = loadConfig(runnerEnv, parseEnvLines((await vigil(['runners', 'create', 'doomed'])).stdout));
    const { code, stdout } = await vigil(['runners', 'revoke', 'doomed']);
    expect(code).toBe(0);
    expect(stdout).toBe('Revoked runner "doomed".\n');
    expect(await pollStatus('doomed', config.VIGIL_RUNNER_KEY)).toBe(401);
    const missing = await vigil(['runners', 'revoke', 'nobody']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'vigil: 404 not_found: No runner has the slug "nobody"\n' });
  });

  it('lists runners as an aligned table with last seen, stale, connectivity, load and revoked', async () => {
    const { code, stdout } = await vigil(['runners', 'list']);
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\n');
    expect(header).toMatch(/^SLUG +NAME +LAST SEEN +STALE +CONNECTIVITY +LOAD +REVOKED$/);
    const row = (slug: string) => rows.find((line) => line.startsWith(`${slug} `))?.split(/ {2,}/);
    // Never seen, but created just now: stale only once VIGIL_RUNNER_STALE_AFTER_S has passed
    // since its creation, as its runner_offline event would open.
    expect(row('sa-east-1')).toEqual(['sa-east-1', 'sa-east-1', 'never', 'no', '-', '-', 'no']);
    // It polled in the first test.
    expect(row('us-east-1')).toEqual(['us-east-1', 'Virginia', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), 'no', 'impaired', '-', 'no']);
    expect(row('doomed')?.[6]).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Columns line up: every row's second column starts where the header's does.
    const nameColumn = header.indexOf('NAME');
    for (const line of rows) expect(line.slice(nameColumn - 2, nameColumn)).toBe('  ');
  });

  it('lists runners as JSON with --json', async () => {
    const { code, stdout } = await vigil(['--json', 'runners', 'list']);
    expect(code).toBe(0);
    const runners = JSON.parse(stdout) as Array<{ slug: string }>;
    expect(runners.map((runner) => runner.slug)).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'doomed']));
  });

  it('gives a read-only key exit code 1 and the 403 message on a write command', async () => {
    const { code, stderr } = await vigil(['runners', 'create', 'not-allowed', '--api-key', bareKey(await harness.keyWith(['read'], 'viewer'))]);
    expect(code).toBe(1);
    expect(stderr).toBe('vigil: 403 forbidden: This route needs the "admin" scope; the key "viewer" has "read"\n');
  });

  it('uses the key in $VIGIL_DATA_DIR/admin.key when neither --api-key nor VIGIL_API_KEY is given', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'vigil-cli-key-'));
    try {
      const withoutKey = cliWith({ VIGIL_URL: server.url, VIGIL_DATA_DIR: keyDir });
      const refused = await withoutKey(['runners', 'list']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('401 unauthorized');
      expect(refused.stderr).toContain('pass --api-key or set VIGIL_API_KEY');
      writeFileSync(join(keyDir, 'admin.key'), `${bareKey(harness.admin)}\n`, { mode: 0o600 });
      expect((await withoutKey(['runners', 'list'])).code).toBe(0);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  });

  it('reports a controller it cannot reach with exit code 1', async () => {
    const closed = await listen(harness.app);
    await closed.close();
    const { code, stderr } = await vigil(['runners', 'list', '--url', closed.url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^vigil: cannot reach the controller at ${closed.url}: .*ECONNREFUSED`));
  });

  it('exits 2 with the usage of the command when its argument is missing or malformed', async () => {
    const missing = await vigil(['runners', 'create']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^vigil: missing <slug>\n\nUsage: vigil runners create <slug> \[flags\]\n/);
    const malformed = await vigil(['runners', 'revoke', 'Not_A_Slug']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^vigil: <slug> must be lower-case letters.*\n\nUsage: vigil runners revoke <slug>/);
  });
});
