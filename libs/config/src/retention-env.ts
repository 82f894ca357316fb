import { z } from 'zod';
import { EnvField, shown } from './fields';

/**
 * A number of days something is kept. The floor is there so that a typo (`0`, `1` for `10`)
 * cannot wipe the history in one pass of the retention job.
 */
function days(what: string, range: { min: number; max: number }): EnvField<number> {
  return new EnvField((value) => {
    const number = Number(value);
    return /^\d+$/.test(value) && number >= range.min && number <= range.max
      ? { ok: true, value: number }
      : {
          ok: false,
          problem: `must be a whole number of days between ${range.min} and ${range.max}: how long ${what} are kept (got ${shown(value)}; the floor keeps a typo from wiping the history)`,
        };
  });
}

/** Defaults of the retention settings (README, Retention). */
export const RETENTION_DEFAULT_DAYS = {
  results: 30,
  hourlyRollups: 90,
  dailyRollups: 730,
  notifications: 365,
} as const;

/**
 * How long the evaluator's retention job (and the all-in-one's) keeps each kind of row, in days.
 * Events, transitions and the audit log are kept for ever; heartbeat pings as long as results.
 */
export const retentionEnv = z.object({
  /** Raw check results (and heartbeat pings): daily partitions on PostgreSQL, batched deletes on the embedded database. */
  VIGIL_RETENTION_RESULTS_DAYS: days('raw check results and heartbeat pings', { min: 2, max: 3650 }).default(RETENTION_DEFAULT_DAYS.results),
  /** Hourly rollups (check × location × hour). */
  VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS: days('hourly rollups', { min: 2, max: 3650 }).default(RETENTION_DEFAULT_DAYS.hourlyRollups),
  /** Daily rollups (check × location × day). */
  VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: days('daily rollups', { min: 7, max: 36_500 }).default(RETENTION_DEFAULT_DAYS.dailyRollups),
  /** Delivered or failed notifications and their delivery attempts (pending ones are never removed). */
  VIGIL_RETENTION_NOTIFICATIONS_DAYS: days('delivered and failed notifications', { min: 1, max: 36_500 }).default(RETENTION_DEFAULT_DAYS.notifications),
});

export type RetentionConfig = z.output<typeof retentionEnv>;
