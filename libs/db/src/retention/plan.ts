/**
 * What retention removes (pure: no database, no clock). On PostgreSQL check_results is
 * partitioned by UTC day of checked_at (ADR 0013): `check_results_pYYYYMMDD` holds that day,
 * and a DEFAULT partition whatever no daily one does.
 */

export const DAY_MS = 86_400_000;
/** Daily partitions made ahead of today (by the job, and at start-up). */
export const PARTITIONS_AHEAD_DAYS = 3;
export const PARTITION_PREFIX = 'check_results_p';
export const DEFAULT_PARTITION = 'check_results_default';

/** How long each kind of row is kept, in days (the VIGIL_RETENTION_* settings). */
export interface RetentionSettings {
  readonly resultsDays: number;
  readonly hourlyRollupsDays: number;
  readonly dailyRollupsDays: number;
  readonly notificationsDays: number;
}

/** The settings as the environment names them (`retentionEnv` of @vigil/config). */
export interface RetentionEnvSettings {
  VIGIL_RETENTION_RESULTS_DAYS: number;
  VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS: number;
  VIGIL_RETENTION_DAILY_ROLLUPS_DAYS: number;
  VIGIL_RETENTION_NOTIFICATIONS_DAYS: number;
}

export function retentionSettingsFrom(config: RetentionEnvSettings): RetentionSettings {
  return {
    resultsDays: config.VIGIL_RETENTION_RESULTS_DAYS,
    hourlyRollupsDays: config.VIGIL_RETENTION_HOURLY_ROLLUPS_DAYS,
    dailyRollupsDays: config.VIGIL_RETENTION_DAILY_ROLLUPS_DAYS,
    notificationsDays: config.VIGIL_RETENTION_NOTIFICATIONS_DAYS,
  };
}

/** The tables retention trims; events, transitions and the audit log are not among them. */
export const RETAINED_TABLES = [
  'check_results',
  'heartbeat_pings',
  'check_rollups_hourly',
  'check_rollups_daily',
  'notification_attempts',
  'notifications',
] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/** Rows of each table older than its cutoff go (results: only once evaluated; notifications: only once settled). */
export function cutoffs(settings: RetentionSettings, now: Date): Record<RetainedTable, Date> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    check_results: before(settings.resultsDays),
    heartbeat_pings: before(settings.resultsDays),
    check_rollups_hourly: before(settings.hourlyRollupsDays),
    check_rollups_daily: before(settings.dailyRollupsDays),
    notification_attempts: before(settings.notificationsDays),
    notifications: before(settings.notificationsDays),
  };
}

/** The start of the UTC day holding `at` (epoch ms). */
export function dayStart(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** `check_results_p20261205` for the UTC day starting at `day` (epoch ms). */
export function partitionName(day: number): string {
  return PARTITION_PREFIX + new Date(day).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * The UTC day a daily partition's name stands for (epoch ms), or undefined for another table.
 * The partition holds that day's results, and the one the migration made for the oldest rows
 * holds everything before the end of its day as well: either way, nothing after that end.
 */
export function partitionDay(name: string): number | undefined {
  const match = /^check_results_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (match === null) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return partitionName(day) === name ? day : undefined;
}

export interface PartitionToCreate {
  readonly name: string;
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

export interface PartitionPlan {
  /** Today and the next PARTITIONS_AHEAD_DAYS days that have no partition yet. */
  readonly create: readonly PartitionToCreate[];
  /** Partitions whose every result is older than the cutoff (their day ended at or before it), oldest first. */
  readonly drop: readonly string[];
  /** The oldest daily partition kept (its day start), or undefined when none is. */
  readonly oldestKept?: Date;
}

/** Which daily partitions to create and which to drop, given those that exist. */
export function planPartitions(existing: readonly string[], now: Date, cutoff: Date): PartitionPlan {
  const days = new Map<number, string>();
  for (const name of existing) {
    const day = partitionDay(name);
    if (day !== undefined) days.set(day, name);
  }
  const today = dayStart(now.getTime());
  const create: PartitionToCreate[] = [];
  for (let i = 0; i <= PARTITIONS_AHEAD_DAYS; i++) {
    const day = today + i * DAY_MS;
    if (!days.has(day)) create.push({ name: partitionName(day), from: new Date(day), to: new Date(day + DAY_MS) });
  }
  const sorted = [...days.entries()].sort((a, b) => a[0] - b[0]);
  const drop = sorted.filter(([day]) => day + DAY_MS <= cutoff.getTime()).map(([, name]) => name);
  const kept = sorted.filter(([day]) => day + DAY_MS > cutoff.getTime());
  return { create, drop, ...(kept.length === 0 ? {} : { oldestKept: new Date(kept[0][0]) }) };
}
