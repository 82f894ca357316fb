import { type CommandSyntax, parseCommandLine } from './program';

const commands: CommandSyntax[] = [
  { name: 'runners create', summary: 'Create a runner', args: [{ name: 'slug', description: 'its slug' }], flags: { name: { type: 'string', value: 'NAME', description: 'a name' } }, api: true },
  {
    name: 'sites update',
    summary: 'Change a site',
    args: [{ name: 'site', description: 'its slug' }],
    flags: { 'public-status-page': { type: 'boolean', negatable: true, description: 'show it' }, 'new-slug': { type: 'string', required: true, description: 'x' } },
    api: true,
  },
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
      usage: expect.stringMatching(/^Usage: vigil runners create <slug> \[flags\]\n/),
    });
    expect(parseCommandLine(['runners', 'create', 'us-1', '--url', 'http://vigil:8080', '--api-key', 'vk_x'], commands)).toMatchObject({
      kind: 'run',
      flags: { url: 'http://vigil:8080', 'api-key': 'vk_x' },
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
    for (const command of commands) expect(text).toMatch(new RegExp(`^  ${command.name}( <[a-z]+>)* +${command.summary}$`, 'm'));
    for (const variable of ['VIGIL_URL', 'VIGIL_API_KEY', 'VIGIL_DATA_DIR', 'DATABASE_URL']) expect(text).toMatch(new RegExp(`^  ${variable} `, 'm'));
    expect(text).toContain('Exit codes: 0 success, 1 failure');
  });

  it('shows a command its own flags and the global ones that apply to it', () => {
    const create = parseCommandLine(['runners', 'create', '-h'], commands);
    expect(create.kind === 'help' && create.text).toMatch(/Flags:\n {2}--name <NAME> +a name\n\nGlobal flags:\n {2}--url <URL> +.+\n {2}--api-key <KEY> +.+\n {2}--json +.+\n {2}-h, --help +Show this help\n$/);
    const adminKey = parseCommandLine(['admin-key', 'create', '-h'], commands);
    expect(adminKey.kind === 'help' && adminKey.text).not.toContain('--url');
  });

  it.each([
    [[], 'missing command', /^Usage: vigil <command>/],
    [['deploy'], 'unknown command "deploy"', /^Usage: vigil <command>/],
    [['runners'], 'missing subcommand of "runners"', /^Usage: vigil runners <command>/],
    [['runners', 'delete', 'us-1'], 'unknown command "runners delete"', /^Usage: vigil runners <command>/],
    [['runners', 'create'], 'missing <slug>', /^Usage: vigil runners create <slug>/],
    [['runners', 'create', 'us-1', 'us-2'], "too many arguments for 'create'. Expected 1 argument but got 2.", /^Usage: vigil runners create <slug>/],
    [['runners', 'create', 'us-1', '--colour', 'red'], 'unknown flag --colour', /^Usage: vigil runners create/],
    [['runners', 'create', 'us-1', '--name'], '--name needs a value', /^Usage: vigil runners create/],
    [['runners', 'create', 'us-1', '--name', '--json'], '--name needs a value', /^Usage: vigil runners create/],
    [['runners', 'list', '--json=yes'], '--json takes no value', /^Usage: vigil runners list/],
    [['export', '--name', 'x'], 'unknown flag --name', /^Usage: vigil export/],
    [['admin-key', 'create', '--api-key', 'vk_x'], 'unknown flag --api-key', /^Usage: vigil admin-key create/],
    [['--api-key', 'vk_x', 'admin-key', 'create'], 'unknown flag --api-key', /^Usage: vigil admin-key create/],
    [['sites', 'update', 'shop'], 'missing --new-slug', /^Usage: vigil sites update <site>/],
    [['sites', 'update', 'shop', '--new-slug', 'x', '--public-status-page=no'], '--public-status-page takes no value', /^Usage: vigil sites update/],
    [['sites'], 'missing subcommand of "sites"', /^Usage: vigil sites <command>/],
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

  it('reads a boolean flag that can be turned off as true, false or absent', () => {
    const flags = (extra: string[]) => {
      const parsed = parseCommandLine(['sites', 'update', 'shop', '--new-slug', 'x', ...extra], commands);
      return parsed.kind === 'run' ? parsed.flags['public-status-page'] : 'not run';
    };
    expect([flags(['--public-status-page']), flags(['--no-public-status-page']), flags([])]).toEqual([true, false, undefined]);
  });

  it('shows both forms of a flag that can be turned off in the help', () => {
    const parsed = parseCommandLine(['help', 'sites', 'update'], commands);
    expect(parsed.kind === 'help' && parsed.text).toMatch(/^ {2}--public-status-page +show it\n {2}--no-public-status-page +The opposite of --public-status-page$/m);
  });
});
