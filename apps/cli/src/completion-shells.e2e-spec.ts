// The completion scripts run by the shells themselves: separate processes, and fish is a package
// of its own (`.ci/run` installs it with the browser), so these are e2e tests.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliWith } from './test-helpers';

const vigil = cliWith({});
const BASH = ['/bin/bash', '/usr/bin/bash'].find((path) => existsSync(path));
const FISH = ['/usr/bin/fish', '/usr/local/bin/fish', '/bin/fish'].find((path) => existsSync(path));

/** What bash offers after `line` (the word being typed is its last, possibly empty, word). */
function bashCompletions(script: string, line: string): string[] {
  const words = line.split(' ');
  const program = [
    script,
    `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_vigil_completion',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return execFileSync(installed(BASH, 'bash'), ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function installed(path: string | undefined, shell: string): string {
  if (path === undefined) throw new Error(`${shell} is not installed: apt-get install ${shell} (.ci/run does)`);
  return path;
}

describe('vigil completion in the shells', () => {
  it('completes commands, subcommands and flags in bash, skipping flag values', async () => {
    const { stdout: script } = await vigil(['completion', 'bash']);
    expect(bashCompletions(script, 'vigil ')).toEqual(expect.arrayContaining(['sites', 'checks', 'channels', 'maintenance', 'completion']));
    expect(bashCompletions(script, 'vigil si')).toEqual(['sites']);
    expect(bashCompletions(script, 'vigil sites ')).toEqual(['list', 'create', 'update', 'delete', 'restore', 'slo']);
    expect(bashCompletions(script, 'vigil --url http://x channels c')).toEqual(['create']);
    expect(bashCompletions(script, 'vigil checks create http https://x --site shop --in')).toEqual(['--interval-s']);
    expect(bashCompletions(script, 'vigil sites update shop --no-')).toEqual(['--no-public-status-page']);
    // A flag's value is left to the shell's own completion (file names).
    expect(bashCompletions(script, 'vigil export --output ')).toEqual([]);
  });

  it('completes commands with their summaries and flags in fish', async () => {
    const { stdout: script } = await vigil(['completion', 'fish']);
    const complete = (line: string) =>
      execFileSync(installed(FISH, 'fish'), ['--no-config', '-c', `${script}\ncomplete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } })
        .split('\n')
        .filter(Boolean);
    expect(complete('vigil sites ')).toEqual(expect.arrayContaining(['create\tCreate a site', 'restore\tRestore an archived site: listed again, its enabled checks run again']));
    expect(complete('vigil --url http://x checks create http x --si')).toEqual(['--site\tThe site it belongs to (its slug or id)']);
  });
});
