import { ConfigError } from '@vigil/config';
import { readConfig } from './config';

describe('the all-in-one configuration', () => {
  it('runs everything on the embedded database at 0.0.0.0:8080, without the demo, with nothing set', () => {
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
      VIGIL_DB_WRITES: true,
      VIGIL_SMTP_URL: undefined,
      VIGIL_SECRET_KEY_PREVIOUS: [],
      VIGIL_EMAIL_FROM: undefined,
      VIGIL_PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue',
      VIGIL_NOTIFY_MAX_ATTEMPTS: 8,
      VIGIL_PUBLIC_URL: undefined,
      VIGIL_DEMO: false,
      VIGIL_DEMO_FLAP_DOWN_S: 60,
      VIGIL_DEMO_FLAP_UP_S: 120,
      VIGIL_EGRESS_ALLOW: [],
      VIGIL_EGRESS_DENY: [],
      VIGIL_RATE_LIMIT_API: 1200,
      VIGIL_RATE_LIMIT_PUBLIC: 300,
      VIGIL_RATE_LIMIT_AUTH_FAILURES: 30,
      VIGIL_TRUST_PROXY: false,
      VIGIL_READY_MAX_FAILED_SWEEPS: 3,
      VIGIL_HEARTBEAT_URL: undefined,
      VIGIL_HEARTBEAT_INTERVAL_S: 60,
      VIGIL_RETENTION_RESULTS_DAYS: 30,
      VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS: 90,
      VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: 730,
      VIGIL_RETENTION_NOTIFICATIONS_DAYS: 365,
      VIGIL_CHECK_METRICS_MAX_SERIES: 10_000,
    });
  });

  it.each([
    ['1', true],
    ['on', true],
    ['ON', true],
    ['0', false],
    ['off', false],
  ])('reads VIGIL_DEMO=%s', (value, expected) => {
    expect(readConfig({ VIGIL_DEMO: value }).VIGIL_DEMO).toBe(expected);
  });

  it('reads how the demo endpoint flaps', () => {
    expect(readConfig({ VIGIL_DEMO_FLAP_DOWN_S: '5', VIGIL_DEMO_FLAP_UP_S: '10' })).toMatchObject({ VIGIL_DEMO_FLAP_DOWN_S: 5, VIGIL_DEMO_FLAP_UP_S: 10 });
  });

  it('reads what each of the services it runs reads', () => {
    expect(
      readConfig({ PORT: '3000', VIGIL_DB_WRITES: 'off', VIGIL_NOTIFY_MAX_ATTEMPTS: '3', VIGIL_CONTROLLER_PROBES: 'off', DATABASE_URL: 'postgres://v@db/v' }),
    ).toMatchObject({ PORT: 3000, VIGIL_DB_WRITES: false, VIGIL_NOTIFY_MAX_ATTEMPTS: 3, VIGIL_CONTROLLER_PROBES: false, VIGIL_MIGRATE: 'off' });
  });

  it('has no METRICS_PORT: /metrics is served on PORT', () => {
    expect(readConfig({ METRICS_PORT: '9100' })).not.toHaveProperty('METRICS_PORT');
  });

  it('stops at every bad variable at once, one line naming each', () => {
    expect(() => readConfig({ VIGIL_DEMO: 'yes', VIGIL_DEMO_FLAP_DOWN_S: '0', PORT: 'http' })).toThrow(
      new ConfigError([
        'PORT must be an integer between 1 and 65535 (got "http")',
        'VIGIL_DEMO must be 1, 0, on or off (got "yes")',
        'VIGIL_DEMO_FLAP_DOWN_S must be an integer between 1 and 86400 (got "0")',
      ]),
    );
  });
});
