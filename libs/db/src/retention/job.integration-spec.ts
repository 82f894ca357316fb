import { Registry } from 'prom-client';
import { createSiteWithCheck, createTestDatabase, type TestDatabase } from '../testing';
import { startRetentionJob } from './job';

jest.setTimeout(60_000);

describe('the retention job', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('embedded');
  });
  afterAll(() => database.dispose());

  it('runs a pass on demand and counts what it removed on the service registry', async () => {
    const { check } = await createSiteWithCheck(database.db.prisma);
    await database.db.prisma.$executeRawUnsafe(
      `INSERT INTO check_rollups_hourly (check_id, location, bucket_start, count, failures, inconclusive, degraded, latency_count, latency_sum, histogram)
       SELECT $1, 'eu-1', date_trunc('hour', now()) - g * interval '1 hour' - interval '100 days', 1, 0, 0, 0, 0, 0, array_fill(0, ARRAY[112]) FROM generate_series(1, 3) g`,
      check.id,
    );
    const metrics = new Registry();
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn: ${m}`) };
    const settings = { resultsDays: 30, hourlyRollupsDays: 90, dailyRollupsDays: 730, notificationsDays: 365 };
    const job = startRetentionJob({ db: database.db, settings, metrics, log, firstRunDelayMs: 3_600_000, batchSize: 2, pauseMs: 0 });
    try {
      const report = await job.runNow();
      expect(report?.outcome).toBe('done');
      const text = await metrics.metrics();
      expect(text).toMatch(/^vigil_retention_rows_deleted_total\{table="check_rollups_hourly"\} 3$/m);
      expect(text).toMatch(/^vigil_retention_failures_total 0$/m);
      expect(Number(/^vigil_retention_last_run_timestamp_seconds (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(lines).toContain('retention pass done');
      expect(await database.db.prisma.checkRollupHourly.count()).toBe(0);
    } finally {
      await job.stop();
    }
    // Stopped: a pass asked for now does nothing.
    expect(await job.runNow()).toBeUndefined();
  });
});
