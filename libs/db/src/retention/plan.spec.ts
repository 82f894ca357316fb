import { cutoffs, DAY_MS, partitionDay, partitionName, planPartitions, retentionSettingsFrom } from './plan';

const settings = retentionSettingsFrom({
  VIGIL_RETENTION_RESULTS_DAYS: 30,
  VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS: 90,
  VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: 730,
  VIGIL_RETENTION_NOTIFICATIONS_DAYS: 365,
});
const now = new Date('2026-12-05T10:30:00Z');

describe('the retention plan', () => {
  it('keeps each table its own number of days back from now', () => {
    const at = cutoffs(settings, now);
    expect(at.check_results.toISOString()).toBe('2026-11-05T10:30:00.000Z');
    expect(at.heartbeat_pings).toEqual(at.check_results);
    expect(at.check_rollups_hourly.toISOString()).toBe('2026-09-06T10:30:00.000Z');
    expect(at.check_rollups_daily.getTime()).toBe(now.getTime() - 730 * DAY_MS);
    expect(at.notifications.getTime()).toBe(now.getTime() - 365 * DAY_MS);
    expect(at.notification_attempts).toEqual(at.notifications);
  });

  it('names a partition by its UTC day, and reads the day back', () => {
    expect(partitionName(Date.UTC(2026, 11, 5))).toBe('check_results_p20261205');
    expect(partitionDay('check_results_p20261205')).toBe(Date.UTC(2026, 11, 5));
    expect(partitionDay('check_results_default')).toBeUndefined();
    expect(partitionDay('check_results_p20261345')).toBeUndefined();
  });

  it('creates today and three days ahead, only those missing', () => {
    const plan = planPartitions(['check_results_p20261205', 'check_results_p20261207', 'check_results_default'], now, cutoffs(settings, now).check_results);
    expect(plan.create.map((p) => p.name)).toEqual(['check_results_p20261206', 'check_results_p20261208']);
    expect(plan.create[0].from.toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(plan.create[0].to.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(plan.drop).toEqual([]);
  });

  it('drops a partition only once its whole day is older than the cutoff', () => {
    const cutoff = cutoffs(settings, now).check_results; // 2026-11-05T10:30Z
    const plan = planPartitions(['check_results_p20261103', 'check_results_p20261104', 'check_results_p20261105', 'check_results_p20261106'], now, cutoff);
    // The 4th ended at 11-05T00:00, before the cutoff: every row in it is older than 30 days.
    expect(plan.drop).toEqual(['check_results_p20261103', 'check_results_p20261104']);
    // The 5th holds rows on both sides of the cutoff: kept whole.
    expect(plan.oldestKept?.toISOString()).toBe('2026-11-05T00:00:00.000Z');
  });

  it('drops a day that ends exactly at the cutoff', () => {
    const plan = planPartitions(['check_results_p20261104'], now, new Date('2026-11-05T00:00:00Z'));
    expect(plan.drop).toEqual(['check_results_p20261104']);
    expect(plan.oldestKept).toBeUndefined();
  });
});
