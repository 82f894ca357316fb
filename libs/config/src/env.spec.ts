import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  adminEnv,
  commonEnv,
  controllerEnv,
  databaseEnv,
  dbWritesEnv,
  evaluatorEnv,
  httpEnv,
  metricsEnv,
  runnerAgentEnv,
  runnerEnv,
  runnerIdentityEnv,
  runnerKeyEnv,
  sweepHealthEnv,
  runnerStalenessEnv,
} from './env';
import { ConfigError, envSchema, loadConfig, type Env } from './load-config';

function problems(schema: z.ZodType, env: Env): readonly string[] {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('commonEnv', () => {
  it('defaults VIGIL_DATA_DIR to ./.data, LOG_LEVEL to info and LOG_FORMAT to pretty outside production', () => {
    expect(loadConfig(commonEnv, {})).toEqual({ VIGIL_DATA_DIR: './.data', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
  });

  it('defaults LOG_FORMAT to json when NODE_ENV is production', () => {
    expect(loadConfig(commonEnv, { NODE_ENV: 'production' }).LOG_FORMAT).toBe('json');
  });

  it('lets LOG_FORMAT override the NODE_ENV default both ways', () => {
    expect(loadConfig(commonEnv, { NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig(commonEnv, { NODE_ENV: 'development', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
  });

  it('reads VIGIL_DATA_DIR as given', () => {
    expect(loadConfig(commonEnv, { VIGIL_DATA_DIR: '/var/lib/vigil' }).VIGIL_DATA_DIR).toBe('/var/lib/vigil');
  });

  it('refuses a VIGIL_DATA_DIR that no file system accepts', () => {
    expect(problems(commonEnv, { VIGIL_DATA_DIR: 'data\0dir' })).toEqual(['VIGIL_DATA_DIR must be a file system path']);
  });

  it.each(['error', 'warn', 'info', 'http', 'debug'])('accepts LOG_LEVEL=%s', (level) => {
    expect(loadConfig(commonEnv, { LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
  });

  it('reads LOG_LEVEL and LOG_FORMAT without regard to case', () => {
    expect(loadConfig(commonEnv, { LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'JSON' })).toMatchObject({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
  });

  it('refuses an unknown LOG_LEVEL and LOG_FORMAT', () => {
    expect(problems(commonEnv, { LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' })).toEqual([
      'LOG_LEVEL must be one of error, warn, info, http, debug (got "verbose")',
      'LOG_FORMAT must be one of json, pretty (got "xml")',
    ]);
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig(commonEnv, { VIGIL_DATA_DIR: '', LOG_LEVEL: '  ', LOG_FORMAT: '' })).toEqual({
      VIGIL_DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
    });
  });
});

describe('databaseEnv', () => {
  it('leaves DATABASE_URL unset for the embedded database and then migrates automatically', () => {
    expect(loadConfig(databaseEnv, {})).toEqual({ DATABASE_URL: undefined, VIGIL_MIGRATE: 'auto' });
  });

  it.each(['postgres://vigil:pw@db:5432/vigil', 'postgresql://vigil@localhost/vigil?sslmode=require', 'POSTGRES://h/d'])(
    'accepts DATABASE_URL=%s and then does not migrate unless asked',
    (url) => {
      expect(loadConfig(databaseEnv, { DATABASE_URL: url })).toEqual({ DATABASE_URL: url, VIGIL_MIGRATE: 'off' });
    },
  );

  it('migrates PostgreSQL at start when VIGIL_MIGRATE=auto', () => {
    expect(loadConfig(databaseEnv, { DATABASE_URL: 'postgres://h/d', VIGIL_MIGRATE: 'auto' }).VIGIL_MIGRATE).toBe('auto');
  });

  it('does not migrate the embedded database when VIGIL_MIGRATE=off', () => {
    expect(loadConfig(databaseEnv, { VIGIL_MIGRATE: 'off' }).VIGIL_MIGRATE).toBe('off');
  });

  it('refuses a DATABASE_URL of another scheme and hides its password', () => {
    expect(problems(databaseEnv, { DATABASE_URL: 'mysql://root:hunter2@db/vigil' })).toEqual([
      'DATABASE_URL must start with postgres:// or postgresql:// (got "mysql://root:[REDACTED]@db/vigil")',
    ]);
  });

  it('refuses a DATABASE_URL that is not a URL at all', () => {
    expect(problems(databaseEnv, { DATABASE_URL: 'localhost:5432' })).toEqual([
      'DATABASE_URL must start with postgres:// or postgresql:// (got "localhost:5432")',
    ]);
    expect(problems(databaseEnv, { DATABASE_URL: 'postgres://h:notaport/d' })).toEqual([
      'DATABASE_URL is not a valid URL (got "postgres://h:notaport/d")',
    ]);
  });

  it('refuses a VIGIL_MIGRATE other than auto or off', () => {
    expect(problems(databaseEnv, { VIGIL_MIGRATE: 'yes' })).toEqual(['VIGIL_MIGRATE must be one of auto, off (got "yes")']);
  });
});

describe('httpEnv', () => {
  it('defaults to 0.0.0.0:8080', () => {
    expect(loadConfig(httpEnv, {})).toEqual({ PORT: 8080, HOST: '0.0.0.0' });
  });

  it.each([
    ['1', 1],
    ['65535', 65535],
    [' 3000 ', 3000],
  ])('accepts PORT=%j', (value, expected) => {
    expect(loadConfig(httpEnv, { PORT: value }).PORT).toBe(expected);
  });

  it.each(['abc', '0', '65536', '-1', '80.5', '1e3', '0x50'])('refuses PORT=%s', (value) => {
    expect(problems(httpEnv, { PORT: value })).toEqual([`PORT must be an integer between 1 and 65535 (got "${value}")`]);
  });

  it.each(['127.0.0.1', '::', '[::1]', 'localhost', 'api.internal'])('accepts HOST=%s', (value) => {
    expect(loadConfig(httpEnv, { HOST: value }).HOST).toBe(value);
  });

  it.each(['http://localhost', 'a b', 'host/path'])('refuses HOST=%s', (value) => {
    expect(problems(httpEnv, { HOST: value })).toEqual([`HOST must be a host name or IP address (got "${value}")`]);
  });
});

describe('adminEnv', () => {
  it('leaves VIGIL_ADMIN_KEY unset by default', () => {
    expect(loadConfig(adminEnv, {})).toEqual({ VIGIL_ADMIN_KEY: undefined });
  });

  it('accepts a VIGIL_ADMIN_KEY of 16 characters or more', () => {
    expect(loadConfig(adminEnv, { VIGIL_ADMIN_KEY: 'k'.repeat(16) }).VIGIL_ADMIN_KEY).toBe('k'.repeat(16));
  });

  it('refuses a short VIGIL_ADMIN_KEY without printing it', () => {
    expect(problems(adminEnv, { VIGIL_ADMIN_KEY: 'admin' })).toEqual(['VIGIL_ADMIN_KEY must be at least 16 characters long (got 5)']);
  });
});

describe('dbWritesEnv', () => {
  it('writes by default', () => {
    expect(loadConfig(dbWritesEnv, {})).toEqual({ VIGIL_DB_WRITES: true });
  });

  it('reads on and off as booleans, without regard to case', () => {
    expect(loadConfig(dbWritesEnv, { VIGIL_DB_WRITES: 'off' }).VIGIL_DB_WRITES).toBe(false);
    expect(loadConfig(dbWritesEnv, { VIGIL_DB_WRITES: 'OFF' }).VIGIL_DB_WRITES).toBe(false);
    expect(loadConfig(dbWritesEnv, { VIGIL_DB_WRITES: 'on' }).VIGIL_DB_WRITES).toBe(true);
  });

  it.each(['false', 'no', '0'])('refuses VIGIL_DB_WRITES=%s rather than guess', (value) => {
    expect(problems(dbWritesEnv, { VIGIL_DB_WRITES: value })).toEqual([`VIGIL_DB_WRITES must be on or off (got "${value}")`]);
  });
});

describe('metricsEnv', () => {
  it('is off when neither set nor given a default', () => {
    expect(loadConfig(metricsEnv(), {})).toEqual({ METRICS_PORT: undefined });
  });

  it('uses the default port an app gives it', () => {
    expect(loadConfig(metricsEnv({ defaultPort: 9465 }), {})).toEqual({ METRICS_PORT: 9465 });
  });

  it('reads METRICS_PORT as a port', () => {
    expect(loadConfig(metricsEnv({ defaultPort: 9465 }), { METRICS_PORT: '9100' })).toEqual({ METRICS_PORT: 9100 });
  });

  it('turns the server off with METRICS_PORT=off even when the app has a default', () => {
    expect(loadConfig(metricsEnv({ defaultPort: 9465 }), { METRICS_PORT: 'off' })).toEqual({ METRICS_PORT: undefined });
  });

  it.each(['abc', '0', '70000'])('refuses METRICS_PORT=%s', (value) => {
    expect(problems(metricsEnv(), { METRICS_PORT: value })).toEqual([
      `METRICS_PORT must be an integer between 1 and 65535, or off (got "${value}")`,
    ]);
  });
});

describe('runnerStalenessEnv and evaluatorEnv', () => {
  it('call a runner stale after 120 s by default, read as whole seconds from 5 to 86400', () => {
    expect(loadConfig(runnerStalenessEnv, {})).toEqual({ VIGIL_RUNNER_STALE_AFTER_S: 120 });
    expect(loadConfig(runnerStalenessEnv, { VIGIL_RUNNER_STALE_AFTER_S: '15' })).toEqual({ VIGIL_RUNNER_STALE_AFTER_S: 15 });
    expect(loadConfig(runnerStalenessEnv, { VIGIL_RUNNER_STALE_AFTER_S: '86400' })).toEqual({ VIGIL_RUNNER_STALE_AFTER_S: 86_400 });
    for (const bad of ['4', '0', '-1', '86401', '1.5', '2m']) {
      expect(problems(runnerStalenessEnv, { VIGIL_RUNNER_STALE_AFTER_S: bad })).toEqual([
        `VIGIL_RUNNER_STALE_AFTER_S must be an integer between 5 and 86400 (got "${bad}")`,
      ]);
    }
  });

  it('refuse the retired VIGIL_RUNNER_OFFLINE_AFTER_S, naming the variable that replaced it', () => {
    expect(loadConfig(evaluatorEnv, { VIGIL_RUNNER_OFFLINE_AFTER_S: '' })).toEqual({ VIGIL_RUNNER_OFFLINE_AFTER_S: undefined });
    expect(problems(evaluatorEnv, { VIGIL_RUNNER_OFFLINE_AFTER_S: '300' })).toEqual([
      'VIGIL_RUNNER_OFFLINE_AFTER_S is no longer read: set VIGIL_RUNNER_STALE_AFTER_S (one staleness rule for the runners API and runner_offline; default 120) instead',
    ]);
  });
});

describe('controllerEnv', () => {
  it('allows each runner 50 requests per second with bursts of 100, and probes its own location 50 at a time, by default', () => {
    expect(loadConfig(controllerEnv, {})).toEqual({
      VIGIL_RUNNER_RATE_LIMIT: 50,
      VIGIL_RUNNER_BURST: 100,
      VIGIL_CONTROLLER_PROBES: true,
      VIGIL_CONTROLLER_PROBE_CONCURRENCY: 50,
      VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: 500,
    });
  });

  it('bounds how far the built-in location rises when it falls behind, never below where it starts', () => {
    expect(loadConfig(controllerEnv, { VIGIL_CONTROLLER_PROBE_CONCURRENCY: '800' })).toMatchObject({ VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: 800 });
    expect(loadConfig(controllerEnv, { VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: '60' })).toMatchObject({ VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: 60 });
    expect(problems(controllerEnv, { VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX: '20' })).toEqual([
      'VIGIL_CONTROLLER_PROBE_CONCURRENCY_MAX must be at least VIGIL_CONTROLLER_PROBE_CONCURRENCY (50): it is the bound that concurrency may rise to',
    ]);
  });

  it('reads the rate and the burst as whole numbers', () => {
    expect(loadConfig(controllerEnv, { VIGIL_RUNNER_RATE_LIMIT: '5', VIGIL_RUNNER_BURST: ' 20 ' })).toMatchObject({
      VIGIL_RUNNER_RATE_LIMIT: 5,
      VIGIL_RUNNER_BURST: 20,
    });
  });

  it('turns the built-in location off, or changes how much it runs at once', () => {
    expect(loadConfig(controllerEnv, { VIGIL_CONTROLLER_PROBES: 'off', VIGIL_CONTROLLER_PROBE_CONCURRENCY: '5' })).toMatchObject({
      VIGIL_CONTROLLER_PROBES: false,
      VIGIL_CONTROLLER_PROBE_CONCURRENCY: 5,
    });
  });

  it('refuses a rate or burst that is not a positive whole number, naming both at once', () => {
    expect(problems(controllerEnv, { VIGIL_RUNNER_RATE_LIMIT: '0', VIGIL_RUNNER_BURST: '2.5' })).toEqual([
      'VIGIL_RUNNER_RATE_LIMIT must be an integer between 1 and 100000 (got "0")',
      'VIGIL_RUNNER_BURST must be an integer between 1 and 100000 (got "2.5")',
    ]);
  });
});

describe('runnerEnv', () => {
  let dir: string;
  const valid = { VIGIL_CONTROLLER_URL: 'https://vigil.example.com/', VIGIL_RUNNER_SLUG: 'us-1' };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function keyFile(name: string, contents: string): string {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  }

  it('reads the controller URL without its trailing slash, the slug and an inline key', () => {
    expect(loadConfig(runnerEnv, { ...valid, VIGIL_RUNNER_KEY: pem })).toEqual({
      VIGIL_CONTROLLER_URL: 'https://vigil.example.com',
      VIGIL_RUNNER_SLUG: 'us-1',
      VIGIL_RUNNER_KEY: pem,
      VIGIL_RUNNER_KEY_FILE: undefined,
      VIGIL_POLL_MODE: 'periodic',
      VIGIL_POLL_INTERVAL_MS: 1000,
      VIGIL_CONCURRENCY: 100,
      VIGIL_CONCURRENCY_MAX: 1000,
      VIGIL_SPOOL_DIR: undefined,
      VIGIL_SPOOL_MAX_MB: 256,
      VIGIL_REPORT_DELAY_MS: 2000,
      VIGIL_RUNNER_CANARIES: [],
      VIGIL_RUNNER_CANARY_INTERVAL_S: 10,
    });
  });

  it('reads how the runner polls, how much it runs at once and where it spools', () => {
    const env = {
      VIGIL_POLL_MODE: 'DRAIN',
      VIGIL_POLL_INTERVAL_MS: '250',
      VIGIL_CONCURRENCY: '1000',
      VIGIL_SPOOL_DIR: '/var/spool/vigil',
      VIGIL_SPOOL_MAX_MB: '16',
      VIGIL_REPORT_DELAY_MS: '2500',
    };
    expect(loadConfig(runnerAgentEnv, env)).toEqual({
      VIGIL_POLL_MODE: 'drain',
      VIGIL_POLL_INTERVAL_MS: 250,
      VIGIL_CONCURRENCY: 1000,
      VIGIL_CONCURRENCY_MAX: 1000,
      VIGIL_SPOOL_DIR: '/var/spool/vigil',
      VIGIL_SPOOL_MAX_MB: 16,
      VIGIL_REPORT_DELAY_MS: 2500,
    });
  });

  it('bounds how far the concurrency rises when runs start late: 1,000 by default, never below VIGIL_CONCURRENCY', () => {
    expect(loadConfig(runnerAgentEnv, {})).toMatchObject({ VIGIL_CONCURRENCY: 100, VIGIL_CONCURRENCY_MAX: 1000 });
    expect(loadConfig(runnerAgentEnv, { VIGIL_CONCURRENCY: '2000' })).toMatchObject({ VIGIL_CONCURRENCY_MAX: 2000 });
    expect(loadConfig(runnerAgentEnv, { VIGIL_CONCURRENCY_MAX: '100' })).toMatchObject({ VIGIL_CONCURRENCY_MAX: 100 });
    expect(problems(runnerAgentEnv, { VIGIL_CONCURRENCY: '200', VIGIL_CONCURRENCY_MAX: '150' })).toEqual([
      'VIGIL_CONCURRENCY_MAX must be at least VIGIL_CONCURRENCY (200): it is the bound that concurrency may rise to',
    ]);
  });

  it('refuses poll settings out of range, naming each', () => {
    expect(problems(runnerAgentEnv, { VIGIL_POLL_MODE: 'sometimes', VIGIL_POLL_INTERVAL_MS: '5', VIGIL_CONCURRENCY: '0' })).toEqual([
      'VIGIL_POLL_MODE must be one of periodic, drain (got "sometimes")',
      'VIGIL_POLL_INTERVAL_MS must be an integer between 100 and 600000 (got "5")',
      'VIGIL_CONCURRENCY must be an integer between 1 and 10000 (got "0")',
    ]);
  });

  it('holds passing results a second to share a report by default, and at most 10 s', () => {
    expect(loadConfig(runnerAgentEnv, {})).toMatchObject({ VIGIL_REPORT_DELAY_MS: 2000 });
    expect(loadConfig(runnerAgentEnv, { VIGIL_REPORT_DELAY_MS: '0' })).toMatchObject({ VIGIL_REPORT_DELAY_MS: 0 });
    expect(problems(runnerAgentEnv, { VIGIL_REPORT_DELAY_MS: '10001' })).toEqual(['VIGIL_REPORT_DELAY_MS must be an integer between 0 and 10000 (got "10001")']);
  });

  it('reads the key from VIGIL_RUNNER_KEY_FILE', () => {
    const path = keyFile('runner.pem', pem);
    expect(loadConfig(runnerEnv, { ...valid, VIGIL_RUNNER_KEY_FILE: path })).toMatchObject({
      VIGIL_RUNNER_KEY: pem,
      VIGIL_RUNNER_KEY_FILE: path,
    });
  });

  it('accepts an inline key written on one line with literal \\n', () => {
    const oneLine = pem.trim().replace(/\n/g, '\\n');
    expect(loadConfig(runnerKeyEnv, { VIGIL_RUNNER_KEY: oneLine }).VIGIL_RUNNER_KEY).toBe(pem);
  });

  it('requires the controller URL, the slug and one key, all reported at once', () => {
    expect(problems(runnerEnv, {})).toEqual([
      'VIGIL_CONTROLLER_URL is required',
      'VIGIL_RUNNER_SLUG is required',
      'VIGIL_RUNNER_KEY or VIGIL_RUNNER_KEY_FILE is required',
    ]);
  });

  it('refuses both VIGIL_RUNNER_KEY and VIGIL_RUNNER_KEY_FILE', () => {
    expect(problems(runnerKeyEnv, { VIGIL_RUNNER_KEY: pem, VIGIL_RUNNER_KEY_FILE: keyFile('both.pem', pem) })).toEqual([
      'VIGIL_RUNNER_KEY and VIGIL_RUNNER_KEY_FILE are both set; set only one',
    ]);
  });

  it('refuses an inline key that is not a PEM private key without printing it', () => {
    const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    for (const value of ['not-a-key', publicKey]) {
      const [problem] = problems(runnerKeyEnv, { VIGIL_RUNNER_KEY: value });
      expect(problem).toBe('VIGIL_RUNNER_KEY must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- ...)');
    }
  });

  it('refuses a key file that does not exist', () => {
    const path = join(dir, 'missing.pem');
    expect(problems(runnerKeyEnv, { VIGIL_RUNNER_KEY_FILE: path })).toEqual([
      `VIGIL_RUNNER_KEY_FILE cannot be read: no such file (got ${JSON.stringify(path)})`,
    ]);
  });

  it('refuses a key file that is a directory', () => {
    expect(problems(runnerKeyEnv, { VIGIL_RUNNER_KEY_FILE: dir })).toEqual([
      `VIGIL_RUNNER_KEY_FILE cannot be read: it is a directory (got ${JSON.stringify(dir)})`,
    ]);
  });

  it('refuses a key file that holds no private key', () => {
    const path = keyFile('empty.pem', 'hello');
    expect(problems(runnerKeyEnv, { VIGIL_RUNNER_KEY_FILE: path })).toEqual([
      `VIGIL_RUNNER_KEY_FILE must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- ...) (file ${JSON.stringify(path)})`,
    ]);
  });

  it.each(['ftp://vigil.example.com', 'vigil.example.com', 'http://'])('refuses VIGIL_CONTROLLER_URL=%s', (value) => {
    expect(problems(runnerIdentityEnv, { VIGIL_CONTROLLER_URL: value, VIGIL_RUNNER_SLUG: 'us-1' })).toEqual([
      `VIGIL_CONTROLLER_URL must be an http:// or https:// URL (got "${value}")`,
    ]);
  });

  it('accepts a plain http controller URL with a port and a path', () => {
    expect(
      loadConfig(runnerIdentityEnv, { VIGIL_CONTROLLER_URL: 'http://controller:8080/vigil', VIGIL_RUNNER_SLUG: 'eu-west-2' }),
    ).toEqual({ VIGIL_CONTROLLER_URL: 'http://controller:8080/vigil', VIGIL_RUNNER_SLUG: 'eu-west-2' });
  });

  it.each(['US-1', 'us_1', '-us', 'us-', '@controller', 'a'.repeat(64)])('refuses VIGIL_RUNNER_SLUG=%s', (value) => {
    const [problem] = problems(runnerIdentityEnv, { VIGIL_CONTROLLER_URL: 'http://c', VIGIL_RUNNER_SLUG: value });
    expect(problem).toMatch(/^VIGIL_RUNNER_SLUG must be 1 to 63 lowercase letters, digits or dashes/);
  });
});

describe('an app schema joined from parts', () => {
  const schema = envSchema(commonEnv, databaseEnv, httpEnv, adminEnv);

  it('has the defaults of every part', () => {
    expect(loadConfig(schema, {})).toEqual({
      VIGIL_DATA_DIR: './.data',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'pretty',
      DATABASE_URL: undefined,
      VIGIL_MIGRATE: 'auto',
      PORT: 8080,
      HOST: '0.0.0.0',
      VIGIL_ADMIN_KEY: undefined,
    });
  });
});

describe('sweepHealthEnv', () => {
  it('fails readiness after 3 failed sweeps, pings no heartbeat, and would ping every minute by default', () => {
    expect(loadConfig(sweepHealthEnv, {})).toEqual({ VIGIL_READY_MAX_FAILED_SWEEPS: 3, VIGIL_HEARTBEAT_URL: undefined, VIGIL_HEARTBEAT_INTERVAL_S: 60 });
  });

  it('keeps the heartbeat URL exactly as given, trailing slash and query included', () => {
    const url = 'https://hc-ping.example/5f1e2d3c/?create=1';
    expect(loadConfig(sweepHealthEnv, { VIGIL_HEARTBEAT_URL: url, VIGIL_HEARTBEAT_INTERVAL_S: '30', VIGIL_READY_MAX_FAILED_SWEEPS: '1' })).toEqual({
      VIGIL_READY_MAX_FAILED_SWEEPS: 1,
      VIGIL_HEARTBEAT_URL: url,
      VIGIL_HEARTBEAT_INTERVAL_S: 30,
    });
  });

  it('refuses a heartbeat URL that is not http(s) without showing it, and thresholds out of range', () => {
    const found = problems(sweepHealthEnv, {
      VIGIL_HEARTBEAT_URL: 'ftp://hc.example/ping/s3cret-token',
      VIGIL_HEARTBEAT_INTERVAL_S: '1',
      VIGIL_READY_MAX_FAILED_SWEEPS: '0',
    });
    expect(found.join('\n')).not.toContain('s3cret-token');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^VIGIL_HEARTBEAT_URL must be an http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^VIGIL_HEARTBEAT_INTERVAL_S must be an integer between 5 and 86400/),
        expect.stringMatching(/^VIGIL_READY_MAX_FAILED_SWEEPS must be an integer between 1 and 1000/),
      ]),
    );
  });
});
