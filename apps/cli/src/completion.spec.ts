import { COMMANDS } from './cli';
import { cliWith } from './test-helpers';

const vigil = cliWith({});
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
});
