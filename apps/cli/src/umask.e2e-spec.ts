// The CLI as a person runs it (`npm run vigil`), in a process of its own: what it writes is
// private to its user whatever umask it was started with, because main.ts sets 077 first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createControllerHarness, type ControllerHarness } from '@vigil/controller/testing';
import { bareKey, listen, type Listening } from './test-helpers';

const ROOT = resolve(__dirname, '../../..');

function runVigil(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    // Only what the test sets: a VIGIL_* of the machine running the tests must not leak in.
    const child = spawn(process.execPath, [join(ROOT, 'tools/scripts/run-ts.mjs'), 'apps/cli/src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('the CLI in its own process', () => {
  let harness: ControllerHarness;
  let server: Listening;
  let dir: string;
  let umask: number;

  beforeAll(async () => {
    harness = await createControllerHarness('embedded');
    server = await listen(harness.app);
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-umask-'));
    // What a shell usually has; the spawned CLI inherits it.
    umask = process.umask(0o022);
  });
  afterAll(async () => {
    process.umask(umask);
    await server.close();
    await harness.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes an export 0600 though it was started with umask 022', async () => {
    const output = join(dir, 'exported.yaml');
    const outcome = await runVigil(['export', '--output', output], { VIGIL_URL: server.url, VIGIL_API_KEY: bareKey(harness.admin) });
    expect(outcome).toEqual({ code: 0, output: expect.stringContaining(`to ${output}`) });
    expect(readFileSync(output, 'utf8')).toContain('sites:');
    expect(statSync(output).mode & 0o777).toBe(0o600);
  });
});
