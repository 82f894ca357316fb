import { METRICS_DEFAULT_PORT, readConfig } from './config';

describe('the evaluator configuration', () => {
  it('writes to the embedded database and serves metrics on 9466 with nothing set', () => {
    expect(METRICS_DEFAULT_PORT).toBe(9466);
    expect(readConfig({})).toMatchObject({ DATABASE_URL: undefined, VIGIL_MIGRATE: 'auto', VIGIL_DB_WRITES: true, METRICS_PORT: 9466 });
  });

  it('runs read-only with VIGIL_DB_WRITES=off', () => {
    expect(readConfig({ VIGIL_DB_WRITES: 'off' }).VIGIL_DB_WRITES).toBe(false);
  });

  it('calls a runner offline once stale: after VIGIL_RUNNER_STALE_AFTER_S, 120 s unless told otherwise', () => {
    expect(readConfig({}).VIGIL_RUNNER_STALE_AFTER_S).toBe(120);
    expect(readConfig({ VIGIL_RUNNER_STALE_AFTER_S: '300' }).VIGIL_RUNNER_STALE_AFTER_S).toBe(300);
  });

  it('refuses the retired VIGIL_RUNNER_OFFLINE_AFTER_S, naming VIGIL_RUNNER_STALE_AFTER_S', () => {
    expect(() => readConfig({ VIGIL_RUNNER_OFFLINE_AFTER_S: '300' })).toThrow(/VIGIL_RUNNER_OFFLINE_AFTER_S is no longer read: set VIGIL_RUNNER_STALE_AFTER_S/);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(() => readConfig({ DATABASE_URL: 'sqlite://x' })).toThrow(/DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//);
  });

  it('keeps results 30 days unless told otherwise, and refuses a retention under its floor', () => {
    expect(readConfig({})).toMatchObject({ VIGIL_RETENTION_RESULTS_DAYS: 30, VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: 730 });
    expect(readConfig({ VIGIL_RETENTION_RESULTS_DAYS: '14' }).VIGIL_RETENTION_RESULTS_DAYS).toBe(14);
    expect(() => readConfig({ VIGIL_RETENTION_RESULTS_DAYS: '1' })).toThrow(/VIGIL_RETENTION_RESULTS_DAYS must be a whole number of days between 2 and 3650/);
  });
});
