import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..', '..');

/** The projects `nx affected` would run for a change to `file`: the same computation CI makes from NX_BASE/NX_HEAD. */
async function affectedBy(file: string): Promise<string[]> {
  if (!existsSync(join(root, file))) throw new Error(`${file} does not exist: pick a file the project has`);
  const { stdout } = await promisify(execFile)(
    join(root, 'node_modules', '.bin', 'nx'),
    ['show', 'projects', '--affected', `--files=${file}`, '--json'],
    { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' }, encoding: 'utf8' },
  );
  return JSON.parse(stdout) as string[];
}

describe('affected projects (what CI and the release workflow act on)', () => {
  it('marks the runner and the controller API, but not the notifier, affected by a change in libs/probes', async () => {
    const affected = await affectedBy('libs/probes/src/index.ts');
    expect(affected).toEqual(expect.arrayContaining(['@vigil/probes', '@vigil/runner', '@vigil/controller-api']));
    expect(affected).not.toContain('@vigil/notifier');
  });

  it('marks the notifier and the all-in-one app, but not the runner, affected by a change in libs/delivery', async () => {
    const affected = await affectedBy('libs/delivery/src/index.ts');
    expect(affected).toEqual(expect.arrayContaining(['@vigil/delivery', '@vigil/notifier', '@vigil/all-in-one']));
    expect(affected).not.toContain('@vigil/runner');
  });
});
