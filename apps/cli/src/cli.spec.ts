import { COMMANDS } from './cli';
import { cliWith } from './test-helpers';

const vigil = cliWith({});

describe('the vigil command line', () => {
  it('prints its help on stdout and exits 0', async () => {
    const { code, stdout, stderr } = await vigil(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    for (const command of COMMANDS) expect(stdout).toContain(`  ${command.name} `);
  });

  it('prints every command\'s help with its usage line', async () => {
    for (const command of COMMANDS) {
      const { code, stdout } = await vigil([...command.name.split(' '), '--help']);
      expect(code).toBe(0);
      expect(stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: vigil ${command.name}( <[a-z]+>)* \\[flags\\]$`));
    }
  });

  it('offers --json on every command, and --url and --api-key on those that call the API', async () => {
    for (const command of COMMANDS) {
      const { stdout } = await vigil([...command.name.split(' '), '--help']);
      expect({ command: command.name, json: stdout.includes('\n  --json ') }).toEqual({ command: command.name, json: true });
      expect({ command: command.name, url: stdout.includes('\n  --url <URL> ') }).toEqual({ command: command.name, url: command.api });
    }
  });

  it('exits 2 with the usage on stderr when no command is given', async () => {
    const { code, stdout, stderr } = await vigil([]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(/^vigil: missing command\n\nUsage: vigil <command> \[flags\]\n/);
  });

  it('exits 2 for an unknown command', async () => {
    const { code, stderr } = await vigil(['deploy', '--json']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('vigil: unknown command "deploy"');
  });

  it('exits 2 for a malformed --url, before calling anything', async () => {
    const { code, stderr } = await vigil(['sites', 'list', '--url', 'vigil.example.com']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: --url must be an http:\/\/ or https:\/\/ URL \(got "vigil.example.com"\)\n\nUsage: vigil sites list/);
  });

  it('exits 2 naming a bad variable of its environment', async () => {
    const { code, stderr } = await cliWith({ VIGIL_URL: 'vigil:8080' })(['sites', 'list']);
    expect(code).toBe(2);
    expect(stderr).toBe('vigil: Invalid configuration: VIGIL_URL must be an http:// or https:// URL (got "vigil:8080")\n');
  });

  it('reports a file it cannot read with exit code 1', async () => {
    const { code, stderr } = await vigil(['import', '/nonexistent/sites.yaml']);
    expect(code).toBe(1);
    expect(stderr).toBe('vigil: cannot read /nonexistent/sites.yaml: ENOENT\n');
  });
});
