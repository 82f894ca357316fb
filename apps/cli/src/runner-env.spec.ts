import { loadConfig, runnerEnv } from '@vigil/config';
import { generateRunnerKeyPair } from '@vigil/runner-auth';
import { formatRunnerEnvironment, shellValue } from './runner-env';

describe('the environment printed for a runner', () => {
  it('puts the key on one line, quoted, with literal \\n that the runner reads back as line breaks', () => {
    const { privateKeyPem } = generateRunnerKeyPair();
    const text = formatRunnerEnvironment({ controllerUrl: 'https://vigil.example.com', slug: 'us-1', privateKey: privateKeyPem });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2)).toEqual(['VIGIL_CONTROLLER_URL=https://vigil.example.com', 'VIGIL_RUNNER_SLUG=us-1']);
    const key = /^VIGIL_RUNNER_KEY='(.+)'$/.exec(lines[2])?.[1];
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----$/);
    const config = loadConfig(runnerEnv, { VIGIL_CONTROLLER_URL: 'https://vigil.example.com', VIGIL_RUNNER_SLUG: 'us-1', VIGIL_RUNNER_KEY: key });
    expect(config.VIGIL_RUNNER_KEY).toBe(`${privateKeyPem.trim()}\n`);
  });

  it('names the key file instead of the key when there is one', () => {
    expect(formatRunnerEnvironment({ controllerUrl: 'http://127.0.0.1:8080', slug: 'eu-1', keyFile: '/etc/vigil/eu 1.pem' })).toBe(
      "VIGIL_CONTROLLER_URL=http://127.0.0.1:8080\nVIGIL_RUNNER_SLUG=eu-1\nVIGIL_RUNNER_KEY_FILE='/etc/vigil/eu 1.pem'\n",
    );
  });

  it('quotes only values a shell would split or expand, and escapes single quotes', () => {
    expect(shellValue('https://vigil.example.com:8443/base')).toBe('https://vigil.example.com:8443/base');
    expect(shellValue('http://h/?a=1&b=2')).toBe("'http://h/?a=1&b=2'");
    expect(shellValue("it's")).toBe("'it'\\''s'");
  });
});
