import { ConfigError, loadConfig } from './load-config';
import { rateLimitEnv } from './rate-limit-env';

const load = (env: Record<string, string>) => loadConfig(rateLimitEnv, env);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('rateLimitEnv', () => {
  it('defaults to 1200 a minute per key, 300 per address on public pages, 30 failed authentications, no trusted proxy', () => {
    expect(load({})).toEqual({ VIGIL_RATE_LIMIT_API: 1200, VIGIL_RATE_LIMIT_PUBLIC: 300, VIGIL_RATE_LIMIT_AUTH_FAILURES: 30, VIGIL_TRUST_PROXY: false });
  });

  it('reads numbers and off', () => {
    expect(load({ VIGIL_RATE_LIMIT_API: 'off', VIGIL_RATE_LIMIT_PUBLIC: '60', VIGIL_RATE_LIMIT_AUTH_FAILURES: 'OFF' })).toMatchObject({
      VIGIL_RATE_LIMIT_API: false,
      VIGIL_RATE_LIMIT_PUBLIC: 60,
      VIGIL_RATE_LIMIT_AUTH_FAILURES: false,
    });
  });

  it('reads a hop count or a list of proxies for VIGIL_TRUST_PROXY', () => {
    expect(load({ VIGIL_TRUST_PROXY: '1' }).VIGIL_TRUST_PROXY).toBe(1);
    expect(load({ VIGIL_TRUST_PROXY: 'loopback, 127.0.0.0/8, ::1' }).VIGIL_TRUST_PROXY).toEqual(['loopback', '127.0.0.0/8', '::1']);
    expect(load({ VIGIL_TRUST_PROXY: 'off' }).VIGIL_TRUST_PROXY).toBe(false);
  });

  it('refuses a limit of 0, a word, "on" for trusted proxies and a bad CIDR, naming each variable', () => {
    const problems = problemsOf({ VIGIL_RATE_LIMIT_API: '0', VIGIL_RATE_LIMIT_PUBLIC: 'lots', VIGIL_TRUST_PROXY: 'on' });
    expect(problems).toEqual([
      expect.stringMatching(/^VIGIL_RATE_LIMIT_API must be a number of requests per minute between 1 and 1000000, or off \(got "0"\)/),
      expect.stringMatching(/^VIGIL_RATE_LIMIT_PUBLIC must be/),
      expect.stringMatching(/^VIGIL_TRUST_PROXY must be off, a number of proxy hops/),
    ]);
    expect(problemsOf({ VIGIL_TRUST_PROXY: '127.0.0.0/33' })).toHaveLength(1);
  });
});
