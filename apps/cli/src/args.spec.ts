import { type CommandSyntax, parseCommandLine } from './args';

const commands: CommandSyntax[] = [
  { name: 'runners create', summary: 'Create a runner', args: [{ name: 'slug', description: 'its slug' }], flags: { name: { type: 'string', value: 'NAME', description: 'a name' } }, api: true },
  { name: 'runners list', summary: 'List runners', api: true },
  { name: 'export', summary: 'Export', flags: { output: { type: 'string', value: 'FILE', description: 'where' } }, api: true },
  { name: 'admin-key create', summary: 'Create an admin key', api: false },
];

describe('parsing a command line', () => {
  it('finds the command, its argument and its flags, with global flags anywhere', () => {
    const parsed = parseCommandLine(['--url', 'http://vigil:8080', 'runners', 'create', 'us-1', '--name=Virginia', '--json'], commands);
    expect(parsed).toEqual({
      kind: 'run',
      command: commands[0],
      args: { slug: 'us-1' },
      flags: { url: 'http://vigil:8080', name: 'Virginia', json: true },
    });
  });

  it('reads a one-word command', () => {
    expect(parseCommandLine(['export', '--output', 'sites.yaml'], commands)).toMatchObject({ kind: 'run', command: { name: 'export' }, flags: { output: 'sites.yaml' } });
  });

  it('answers --help, -h and "help" with the help of what was typed so far, even when incomplete', () => {
    for (const argv of [['runners', 'create', '--help'], ['-h', 'runners', 'create'], ['help', 'runners', 'create']]) {
      const parsed = parseCommandLine(argv, commands);
      expect(parsed.kind).toBe('help');
      expect(parsed.kind === 'help' && parsed.text).toMatch(/^Usage: vigil runners create <slug> \[flags\]\n\nCreate a runner\n/);
    }
    expect(parseCommandLine(['runners', '--help'], commands)).toMatchObject({ kind: 'help', text: expect.stringMatching(/^Usage: vigil runners <command>/) });
    expect(parseCommandLine(['--help'], commands)).toMatchObject({ kind: 'help', text: expect.stringMatching(/^Usage: vigil <command> \[flags\]/) });
  });

  it('lists every command and the environment in the top help', () => {
    const parsed = parseCommandLine(['-h'], commands);
    const text = parsed.kind === 'help' ? parsed.text : '';
    for (const command of commands) expect(text).toMatch(new RegExp(`^  ${command.name} +${command.summary}$`, 'm'));
    for (const variable of ['VIGIL_URL', 'VIGIL_API_KEY', 'VIGIL_DATA_DIR', 'DATABASE_URL']) expect(text).toMatch(new RegExp(`^  ${variable} `, 'm'));
    expect(text).toContain('Exit codes: 0 success, 1 failure');
  });

  it('shows a command its own flags and the global ones that apply to it', () => {
    const create = parseCommandLine(['runners', 'create', '-h'], commands);
    expect(create.kind === 'help' && create.text).toMatch(/Flags:\n {2}--name NAME +a name\n\nGlobal flags:\n {2}--url URL +.+\n {2}--api-key KEY +.+\n {2}--json +.+\n {2}-h, --help +Show this help\n$/);
    const adminKey = parseCommandLine(['admin-key', 'create', '-h'], commands);
    expect(adminKey.kind === 'help' && adminKey.text).not.toContain('--url');
  });

  it.each([
    [[], 'missing command', /^Usage: vigil <command>/],
    [['deploy'], 'unknown command "deploy"', /^Usage: vigil <command>/],
    [['runners'], 'missing subcommand of "runners"', /^Usage: vigil runners <command>/],
    [['runners', 'delete', 'us-1'], 'unknown command "runners delete"', /^Usage: vigil runners <command>/],
    [['runners', 'create'], 'missing <slug>', /^Usage: vigil runners create <slug>/],
    [['runners', 'create', 'us-1', 'us-2'], 'unexpected argument "us-2"', /^Usage: vigil runners create <slug>/],
    [['runners', 'create', 'us-1', '--colour', 'red'], 'unknown flag --colour', /^Usage: vigil runners create/],
    [['runners', 'create', 'us-1', '--name'], '--name needs a value', /^Usage: vigil runners create/],
    [['runners', 'create', 'us-1', '--name', '--json'], '--name needs a value', /^Usage: vigil runners create/],
    [['runners', 'list', '--json=yes'], '--json takes no value', /^Usage: vigil runners list/],
    [['export', '--name', 'x'], 'unknown flag --name', /^Usage: vigil export/],
    [['admin-key', 'create', '--api-key', 'vk_x'], 'unknown flag --api-key', /^Usage: vigil admin-key create/],
  ])('refuses %j: %s', (argv, message, usage) => {
    const parsed = parseCommandLine(argv, commands);
    expect(parsed).toEqual({ kind: 'usage-error', message, usage: expect.stringMatching(usage) });
  });

  it('takes a value that starts with a dash when it is attached with =', () => {
    expect(parseCommandLine(['runners', 'create', 'us-1', '--name=-odd-'], commands)).toMatchObject({ kind: 'run', flags: { name: '-odd-' } });
  });

  it('takes an argument that looks like a flag after --', () => {
    expect(parseCommandLine(['runners', 'create', '--', '-x'], commands)).toMatchObject({ kind: 'run', args: { slug: '-x' } });
  });
});
