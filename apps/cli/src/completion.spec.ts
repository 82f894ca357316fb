import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { COMMANDS } from './cli';
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
  return execFileSync(BASH ?? 'bash', ['--norc', '--noprofile', '-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('vigil completion', () => {
  it.each(['bash', 'zsh', 'fish'])('prints a %s script that knows every command', async (shell) => {
    const { code, stdout, stderr } = await vigil(['completion', shell]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^# vigil completion for ${shell}`));
    for (const command of COMMANDS) for (const word of command.name.split(' ')) expect(stdout).toContain(word);
  });

  it('writes fish completions with descriptions and the flags of each command', async () => {
    const { stdout } = await vigil(['completion', 'fish']);
    expect(stdout).toContain(`complete -c vigil -n '__vigil_path \\'sites\\'' -a 'create' -d 'Create a site'`);
    expect(stdout).toContain(`complete -c vigil -n '__vigil_path \\'checks create\\'' -l site -r -F -d 'The site it belongs to (its slug or id)'`);
    expect(stdout).toContain(`complete -c vigil -n '__vigil_path \\'sites update\\'' -l no-public-status-page`);
  });

  it('prints the script as JSON with --json, and refuses a shell it does not know', async () => {
    const { stdout } = await vigil(['completion', 'bash', '--json']);
    expect(JSON.parse(stdout)).toEqual({ shell: 'bash', script: expect.stringContaining('complete -o default -F _vigil_completion vigil') });
    const unknown = await vigil(['completion', 'powershell']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('vigil: <shell> must be one of bash, zsh, fish (got "powershell")');
  });

  (BASH === undefined ? it.skip : it)('completes commands, subcommands and flags in bash, skipping flag values', async () => {
    const { stdout: script } = await vigil(['completion', 'bash']);
    expect(bashCompletions(script, 'vigil ')).toEqual(expect.arrayContaining(['sites', 'checks', 'channels', 'maintenance', 'completion']));
    expect(bashCompletions(script, 'vigil si')).toEqual(['sites']);
    expect(bashCompletions(script, 'vigil sites ')).toEqual(['list', 'create', 'update', 'delete', 'restore']);
    expect(bashCompletions(script, 'vigil --url http://x channels c')).toEqual(['create']);
    expect(bashCompletions(script, 'vigil checks create http https://x --site shop --in')).toEqual(['--interval-s']);
    expect(bashCompletions(script, 'vigil sites update shop --no-')).toEqual(['--no-public-status-page']);
    // A flag's value is left to the shell's own completion (file names).
    expect(bashCompletions(script, 'vigil export --output ')).toEqual([]);
  });

  // fish is seldom installed where tests run; where it is, the script is run as fish runs it.
  (FISH === undefined ? it.skip : it)('completes commands with their summaries and flags in fish', async () => {
    const { stdout: script } = await vigil(['completion', 'fish']);
    const complete = (line: string) =>
      execFileSync(FISH ?? 'fish', ['--no-config', '-c', `${script}\ncomplete -C ${JSON.stringify(line)}`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } })
        .split('\n')
        .filter(Boolean);
    expect(complete('vigil sites ')).toEqual(expect.arrayContaining(['create\tCreate a site', 'restore\tRestore an archived site: listed again, its enabled checks run again']));
    expect(complete('vigil --url http://x checks create http x --si')).toEqual(['--site\tThe site it belongs to (its slug or id)']);
  });
});
