import { METRICS_DEFAULT_PORT, readConfig } from './config';

describe('the evaluator configuration', () => {
  it('writes to the embedded database and serves metrics on 9466 with nothing set', () => {
    expect(METRICS_DEFAULT_PORT).toBe(9466);
    expect(readConfig({})).toMatchObject({ DATABASE_URL: undefined, VIGIL_MIGRATE: 'auto', VIGIL_DB_WRITES: true, METRICS_PORT: 9466 });
  });

  it('runs read-only with VIGIL_DB_WRITES=off', () => {
    expect(readConfig({ VIGIL_DB_WRITES: 'off' }).VIGIL_DB_WRITES).toBe(false);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(() => readConfig({ DATABASE_URL: 'sqlite://x' })).toThrow(/DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//);
  });
});
