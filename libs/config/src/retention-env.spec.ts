import { ConfigError, envSchema, loadConfig } from './index';
import { RETENTION_DEFAULT_DAYS, retentionEnv } from './retention-env';

const schema = envSchema(retentionEnv);

describe('the retention settings', () => {
  it('default to 30 days of results, 90 of hourly and 730 of daily rollups, 365 of notifications', () => {
    expect(loadConfig(schema, {})).toEqual({
      VIGIL_RETENTION_RESULTS_DAYS: 30,
      VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS: 90,
      VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: 730,
      VIGIL_RETENTION_NOTIFICATIONS_DAYS: 365,
    });
    expect(RETENTION_DEFAULT_DAYS.results).toBe(30);
  });

  it('read whole numbers of days', () => {
    const config = loadConfig(schema, { VIGIL_RETENTION_RESULTS_DAYS: '7', VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: ' 3650 ' });
    expect(config.VIGIL_RETENTION_RESULTS_DAYS).toBe(7);
    expect(config.VIGIL_RETENTION_DAILY_ROLLUPS_DAYS).toBe(3650);
  });

  it.each([
    ['VIGIL_RETENTION_RESULTS_DAYS', '1'],
    ['VIGIL_RETENTION_RESULTS_DAYS', '0'],
    ['VIGIL_RETENTION_RESULTS_DAYS', '-30'],
    ['VIGIL_RETENTION_RESULTS_DAYS', '30d'],
    ['VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS', '1.5'],
    ['VIGIL_RETENTION_DAILY_ROLLUPS_DAYS', '6'],
    ['VIGIL_RETENTION_NOTIFICATIONS_DAYS', '0'],
  ])('refuse %s=%s with the floor explained', (name, value) => {
    expect(() => loadConfig(schema, { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig(schema, { [name]: value })).toThrow(new RegExp(`${name}.*whole number of days between .*typo`));
  });
});
