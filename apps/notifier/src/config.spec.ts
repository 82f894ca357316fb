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
});
