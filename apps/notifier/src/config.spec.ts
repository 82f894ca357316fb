import { METRICS_DEFAULT_PORT, readConfig } from './config';

describe('the notifier configuration', () => {
  it('uses the embedded database and serves metrics on 9467 with nothing set', () => {
    expect(METRICS_DEFAULT_PORT).toBe(9467);
    expect(readConfig({})).toMatchObject({ DATABASE_URL: undefined, VIGIL_MIGRATE: 'auto', METRICS_PORT: 9467 });
  });

  it('reads a PostgreSQL DATABASE_URL and a METRICS_PORT', () => {
    expect(readConfig({ DATABASE_URL: 'postgresql://n@db/v', METRICS_PORT: '9100' })).toMatchObject({
      DATABASE_URL: 'postgresql://n@db/v',
      VIGIL_MIGRATE: 'off',
      METRICS_PORT: 9100,
    });
  });

  it('has no read-only switch, which only the evaluator has', () => {
    expect(readConfig({ VIGIL_DB_WRITES: 'off' })).not.toHaveProperty('VIGIL_DB_WRITES');
  });

  it('sends to PagerDuty and tries 8 times by default, with no SMTP server or sender unless told', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ VIGIL_PAGERDUTY_EVENTS_URL: 'https://events.pagerduty.com/v2/enqueue', VIGIL_NOTIFY_MAX_ATTEMPTS: 8 });
    expect([config.VIGIL_SMTP_URL, config.VIGIL_EMAIL_FROM, config.VIGIL_PUBLIC_URL]).toEqual([undefined, undefined, undefined]);
  });

  it('reads the SMTP server from one URL, STARTTLS on 587 or TLS on 465 by default, credentials decoded', () => {
    expect(readConfig({ VIGIL_SMTP_URL: 'smtp://alerts%40example.com:p%40ss@mail.example.com' }).VIGIL_SMTP_URL).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      username: 'alerts@example.com',
      password: 'p@ss',
    });
    expect(readConfig({ VIGIL_SMTP_URL: 'smtps://mail.example.com' }).VIGIL_SMTP_URL).toEqual({ host: 'mail.example.com', port: 465, secure: true });
    expect(readConfig({ VIGIL_SMTP_URL: 'smtp://mail.example.com:2525' }).VIGIL_SMTP_URL).toMatchObject({ port: 2525 });
  });

  it('refuses a bad SMTP URL or sender without printing a password', () => {
    expect(() => readConfig({ VIGIL_SMTP_URL: 'http://user:hunter2@mail.example.com' })).toThrow(/VIGIL_SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => readConfig({ VIGIL_SMTP_URL: 'http://user:hunter2@mail.example.com' })).not.toThrow(/hunter2/);
    expect(() => readConfig({ VIGIL_EMAIL_FROM: 'not an address' })).toThrow(/VIGIL_EMAIL_FROM must be an email address/);
  });
});
