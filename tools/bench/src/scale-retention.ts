import { RETENTION_DEFAULT_DAYS } from '@vigil/config';
import { openDatabase, runRetention, type RetentionReport, type RetentionSettings } from '@vigil/db';

/**
 * What the retention phase of the scale benchmark did: the retention job of issue 16 (raw
 * results dropped by time partition, old rollups and deliveries removed) run once while the
 * load runs, so that its cost shows in the end-to-end rate.
 */
export type RetentionPhase =
  | { readonly available: false; readonly why: string }
  | { readonly available: true; readonly seconds: number; readonly removed: string };

/** The job's defaults (VIGIL_RETENTION_* unset): what a deployment that sets nothing keeps. */
export const BENCH_RETENTION: RetentionSettings = {
  resultsDays: RETENTION_DEFAULT_DAYS.results,
  hourlyRollupsDays: RETENTION_DEFAULT_DAYS.hourlyRollups,
  dailyRollupsDays: RETENTION_DEFAULT_DAYS.dailyRollups,
  notificationsDays: RETENTION_DEFAULT_DAYS.notifications,
};

/** `3 partitions, 1,200 rows` from a pass's report. */
export function removedText(report: RetentionReport): string {
  if (report.outcome === 'locked') return 'nothing (another instance held the lock)';
  const partitions = report.tables.reduce((n, t) => n + t.partitionsDropped.length, 0);
  const rows = report.tables.reduce((n, t) => n + t.rows, 0);
  return `${partitions} partition${partitions === 1 ? '' : 's'} and ${rows.toLocaleString('en-US')} rows`;
}

/**
 * One pass of the retention job on `databaseUrl`, as the evaluator's maintenance job runs it
 * (with its advisory lock), with the default settings.
 */
export async function runRetentionPhase(databaseUrl: string): Promise<RetentionPhase> {
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl }, { poolSize: 1 });
  try {
    const report = await runRetention(db, { settings: BENCH_RETENTION });
    return { available: true, seconds: report.durationMs / 1000, removed: removedText(report) };
  } finally {
    await db.close();
  }
}
