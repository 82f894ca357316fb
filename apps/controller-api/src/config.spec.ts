import { ConfigError } from '@vigil/config';
import { readConfig } from './config';

describe('the controller API configuration', () => {
  it('runs on the embedded database at 0.0.0.0:8080 with nothing set', () => {
    expect(readConfig({})).toEqual({
      VIGIL_DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
      DATABASE_URL: undefined,
      VIGIL_MIGRATE: 'auto',
      PORT: 8080,
      HOST: '0.0.0.0',
      VIGIL_ADMIN_KEY: undefined,
      VIGIL_RUNNER_RATE_LIMIT: 50,
      VIGIL_RUNNER_BURST: 100,
      VIGIL_CONTROLLER_PROBES: true,
      VIGIL_CONTROLLER_PROBE_CONCURRENCY: 50,
      VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: 500,
      VIGIL_RUNNER_STALE_AFTER_S: 120,
      VIGIL_EGRESS_ALLOW: [],
      VIGIL_EGRESS_DENY: [],
      VIGIL_SECRET_KEY_PREVIOUS: [],
      VIGIL_RATE_LIMIT_API: 1200,
      VIGIL_RATE_LIMIT_PUBLIC: 300,
      VIGIL_RATE_LIMIT_AUTH_FAILURES: 30,
      VIGIL_TRUST_PROXY: false,
      VIGIL_CHECK_METRICS_MAX_SERIES: 10_000,
    });
  });

  it('reads the per-check metrics limit, 0 turning them off, and stops at one that is not a count', () => {
    expect(readConfig({ VIGIL_CHECK_METRICS_MAX_SERIES: '0' })).toMatchObject({ VIGIL_CHECK_METRICS_MAX_SERIES: 0 });
    expect(readConfig({ VIGIL_CHECK_METRICS_MAX_SERIES: '50000' })).toMatchObject({ VIGIL_CHECK_METRICS_MAX_SERIES: 50_000 });
    expect(() => readConfig({ VIGIL_CHECK_METRICS_MAX_SERIES: '-1' })).toThrow(
      new ConfigError(['VIGIL_CHECK_METRICS_MAX_SERIES must be an integer between 0 and 1000000 (got "-1")']),
    );
    expect(() => readConfig({ VIGIL_CHECK_METRICS_MAX_SERIES: 'lots' })).toThrow(/VIGIL_CHECK_METRICS_MAX_SERIES must be an integer between 0 and 1000000/);
  });

  it('reads its data key, or its file, and stops at a key that is not 32 bytes of base64 without echoing it', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(readConfig({ VIGIL_SECRET_KEY: key, VIGIL_SECRET_KEY_PREVIOUS: `${key}, ${key}` })).toMatchObject({
      VIGIL_SECRET_KEY: key,
      VIGIL_SECRET_KEY_PREVIOUS: [key, key],
    });
    expect(() => readConfig({ VIGIL_SECRET_KEY: 'not-a-key-hunter2' })).toThrow(/VIGIL_SECRET_KEY must be 32 random bytes in base64/);
    expect(() => readConfig({ VIGIL_SECRET_KEY: 'not-a-key-hunter2' })).not.toThrow(/hunter2/);
    expect(() => readConfig({ VIGIL_SECRET_KEY: key, VIGIL_SECRET_KEY_FILE: '/nonexistent' })).toThrow(/both set/);
    expect(() => readConfig({ VIGIL_SECRET_KEY_FILE: '/nonexistent/secret.key' })).toThrow(/VIGIL_SECRET_KEY_FILE cannot be read: ENOENT/);
  });

  it('reads the per-runner rate limit', () => {
    expect(readConfig({ VIGIL_RUNNER_RATE_LIMIT: '20', VIGIL_RUNNER_BURST: '40' })).toMatchObject({ VIGIL_RUNNER_RATE_LIMIT: 20, VIGIL_RUNNER_BURST: 40 });
  });

  it('reads when a runner is stale, and stops at a threshold out of bounds', () => {
    expect(readConfig({ VIGIL_RUNNER_STALE_AFTER_S: '15' })).toMatchObject({ VIGIL_RUNNER_STALE_AFTER_S: 15 });
    expect(() => readConfig({ VIGIL_RUNNER_STALE_AFTER_S: '1' })).toThrow(
      new ConfigError(['VIGIL_RUNNER_STALE_AFTER_S must be an integer between 5 and 86400 (got "1")']),
    );
  });

  it('reads the request limits and the trusted proxies', () => {
    expect(readConfig({ VIGIL_RATE_LIMIT_API: 'off', VIGIL_RATE_LIMIT_PUBLIC: '60', VIGIL_TRUST_PROXY: '1' })).toMatchObject({
      VIGIL_RATE_LIMIT_API: false,
      VIGIL_RATE_LIMIT_PUBLIC: 60,
      VIGIL_RATE_LIMIT_AUTH_FAILURES: 30,
      VIGIL_TRUST_PROXY: 1,
    });
  });

  it('reads its listen address, database and admin key', () => {
    const config = readConfig({
      PORT: '3000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://vigil@db/vigil',
      VIGIL_ADMIN_KEY: 'a-long-enough-admin-key',
    });
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATABASE_URL: 'postgres://vigil@db/vigil', VIGIL_MIGRATE: 'off' });
  });

  it('stops at a bad PORT with one line naming it', () => {
    expect(() => readConfig({ PORT: 'abc' })).toThrow(
      new ConfigError(['PORT must be an integer between 1 and 65535 (got "abc")']),
    );
  });

  it('does not read runner variables', () => {
    expect(readConfig({ VIGIL_RUNNER_SLUG: 'NOT A SLUG' })).not.toHaveProperty('VIGIL_RUNNER_SLUG');
  });
});
