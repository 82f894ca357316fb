import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@vigil/config';
import { createEgressGuard, createEgressPolicy, parseEgressList } from '@vigil/egress';
import { canaryEgressProblems, formerSpoolDirOf, METRICS_DEFAULT_PORT, readConfig, spoolDirOf } from './config';

const VIGIL_RUNNER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const minimal = { VIGIL_CONTROLLER_URL: 'http://controller:8080', VIGIL_RUNNER_SLUG: 'us-1', VIGIL_RUNNER_KEY };

describe('the runner configuration', () => {
  it('needs where to poll, who it is and its key, and says so in one line', () => {
    expect(() => readConfig({})).toThrow(
      new ConfigError([
        'VIGIL_CONTROLLER_URL is required',
        'VIGIL_RUNNER_SLUG is required',
        'VIGIL_RUNNER_KEY or VIGIL_RUNNER_KEY_FILE is required',
      ]),
    );
  });

  it('serves health and metrics on 9465 unless told otherwise', () => {
    expect(METRICS_DEFAULT_PORT).toBe(9465);
    expect(readConfig(minimal).METRICS_PORT).toBe(9465);
    expect(readConfig({ ...minimal, METRICS_PORT: 'off' }).METRICS_PORT).toBeUndefined();
  });

  it('does not read the database variables, which the runner never uses', () => {
    const config = readConfig({ ...minimal, DATABASE_URL: 'mysql://not-checked', VIGIL_MIGRATE: 'maybe' });
    expect(config).not.toHaveProperty('DATABASE_URL');
    expect(config).not.toHaveProperty('VIGIL_MIGRATE');
  });

  it('reads the common variables', () => {
    expect(readConfig({ ...minimal, LOG_LEVEL: 'debug', VIGIL_DATA_DIR: '/data' })).toMatchObject({
      LOG_LEVEL: 'debug',
      VIGIL_DATA_DIR: '/data',
    });
  });

  it('spools in a directory of its slug in the data directory unless told where', () => {
    expect(spoolDirOf(readConfig({ ...minimal, VIGIL_DATA_DIR: '/data' }))).toBe('/data/spool/us-1');
    expect(spoolDirOf(readConfig({ ...minimal, VIGIL_DATA_DIR: '/data', VIGIL_RUNNER_SLUG: 'eu-1' }))).toBe('/data/spool/eu-1');
    expect(spoolDirOf(readConfig({ ...minimal, VIGIL_SPOOL_DIR: '/var/spool/vigil' }))).toBe('/var/spool/vigil');
  });

  it('looks for results of the former default spool only when it spools by default', () => {
    expect(formerSpoolDirOf(readConfig({ ...minimal, VIGIL_DATA_DIR: '/data' }))).toBe('/data/spool');
    expect(formerSpoolDirOf(readConfig({ ...minimal, VIGIL_DATA_DIR: '/data', VIGIL_SPOOL_DIR: '/data/spool' }))).toBeUndefined();
  });

  it('polls periodically every second, 100 runs at once, by default', () => {
    expect(readConfig(minimal)).toMatchObject({ VIGIL_POLL_MODE: 'periodic', VIGIL_POLL_INTERVAL_MS: 1000, VIGIL_CONCURRENCY: 100 });
  });

  it('holds passing results up to two seconds to share a report, by default', () => {
    expect(readConfig(minimal)).toMatchObject({ VIGIL_REPORT_DELAY_MS: 2000 });
    expect(readConfig({ ...minimal, VIGIL_REPORT_DELAY_MS: '250' })).toMatchObject({ VIGIL_REPORT_DELAY_MS: 250 });
  });

  it('reads its own egress policy, which may allow what the controller denies', () => {
    const config = readConfig({ ...minimal, VIGIL_EGRESS_ALLOW: 'loopback', VIGIL_EGRESS_DENY: 'private' });
    expect(config.VIGIL_EGRESS_ALLOW.map((entry) => entry.name)).toEqual(['loopback']);
    expect(config.VIGIL_EGRESS_DENY.map((entry) => entry.name)).toEqual(['private']);
    expect(() => readConfig({ ...minimal, VIGIL_EGRESS_ALLOW: 'lo0pback' })).toThrow(/VIGIL_EGRESS_ALLOW.*"lo0pback"/);
  });

  it('probes only the controller, every 10 s, unless told of canaries', () => {
    expect(readConfig(minimal)).toMatchObject({ VIGIL_RUNNER_CANARIES: [], VIGIL_RUNNER_CANARY_INTERVAL_S: 10 });
  });

  it('reads canaries as http(s) URLs or host:port', () => {
    const config = readConfig({ ...minimal, VIGIL_RUNNER_CANARIES: 'https://one.one.one.one/, 1.1.1.1:53,[2606:4700::1111]:53', VIGIL_RUNNER_CANARY_INTERVAL_S: '5' });
    expect(config.VIGIL_RUNNER_CANARIES).toEqual([
      { type: 'http', target: 'https://one.one.one.one/', host: 'one.one.one.one' },
      { type: 'tcp', target: '1.1.1.1:53', host: '1.1.1.1' },
      { type: 'tcp', target: '[2606:4700::1111]:53', host: '[2606:4700::1111]' },
    ]);
    expect(config.VIGIL_RUNNER_CANARY_INTERVAL_S).toBe(5);
  });

  it('refuses a canary that is neither, or a URL with credentials, naming the entry', () => {
    expect(() => readConfig({ ...minimal, VIGIL_RUNNER_CANARIES: 'example.com' })).toThrow(/VIGIL_RUNNER_CANARIES has a bad entry: "example.com" is neither/);
    expect(() => readConfig({ ...minimal, VIGIL_RUNNER_CANARIES: 'ftp://example.com/' })).toThrow(/VIGIL_RUNNER_CANARIES has a bad entry/);
    expect(() => readConfig({ ...minimal, VIGIL_RUNNER_CANARIES: 'https://user:pw@example.com/' })).toThrow(/must not carry credentials/);
    expect(() => readConfig({ ...minimal, VIGIL_RUNNER_CANARY_INTERVAL_S: '0' })).toThrow(/VIGIL_RUNNER_CANARY_INTERVAL_S must be an integer between 1 and 3600/);
  });

  it('calls a canary its egress policy refuses a configuration error', () => {
    const config = readConfig({ ...minimal, VIGIL_RUNNER_CANARIES: '127.0.0.1:9,https://example.com/' });
    const closed = createEgressGuard(createEgressPolicy({ allow: [], deny: [] }));
    expect(() => canaryEgressProblems(config, closed)).toThrow(ConfigError);
    expect(() => canaryEgressProblems(config, closed)).toThrow(/VIGIL_RUNNER_CANARIES has 127.0.0.1:9, which the egress policy refuses.*VIGIL_EGRESS_ALLOW/);
    const open = createEgressGuard(createEgressPolicy({ allow: parseEgressList('loopback'), deny: [] }));
    expect(() => canaryEgressProblems(config, open)).not.toThrow();
  });
});
