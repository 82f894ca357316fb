import { sharedCounter, sharedGauge } from '@vigil/metrics';
import type { Registry } from 'prom-client';
import type { Database } from '../client';
import type { RetentionSettings } from './plan';
import { ensurePartitions, type RetentionLog, type RetentionReport, runRetention } from './run';

/** Between two passes. */
export const RETENTION_INTERVAL_MS = 3_600_000;
/** After start-up, so that a starting service first catches up with its real work. */
export const RETENTION_FIRST_RUN_DELAY_MS = 60_000;

export interface RetentionJobOptions {
  db: Database;
  settings: RetentionSettings;
  metrics: Registry;
  log: RetentionLog;
  intervalMs?: number;
  firstRunDelayMs?: number;
  /** Rows per DELETE statement and the pause between (tests make them small). */
  batchSize?: number;
  pauseMs?: number;
}

export interface RetentionJob {
  /** Runs a pass now (after the one in progress, if any). */
  runNow(): Promise<RetentionReport | undefined>;
  /** Waits for the pass in progress, then runs no more. */
  stop(): Promise<void>;
}

/** The retention job's metrics on the service's registry (its /metrics). */
export function retentionMetrics(registry: Registry) {
  return {
    rowsDeleted: sharedCounter(registry, {
      name: 'vigil_retention_rows_deleted_total',
      help: 'Rows removed by retention, per table (check_results on PostgreSQL: the planner estimate of dropped partitions)',
      labelNames: ['table'] as const,
    }),
    partitionsCreated: sharedCounter(registry, { name: 'vigil_retention_partitions_created_total', help: 'Daily check_results partitions created ahead' }),
    partitionsDropped: sharedCounter(registry, { name: 'vigil_retention_partitions_dropped_total', help: 'Old check_results partitions detached and dropped' }),
    partitionsHeld: sharedGauge(registry, {
      name: 'vigil_retention_partitions_held',
      help: 'Old check_results partitions kept by the last pass because results in them are not evaluated yet',
    }),
    lastRun: sharedGauge(registry, { name: 'vigil_retention_last_run_timestamp_seconds', help: 'When the last retention pass that acted finished (Unix time)' }),
    duration: sharedGauge(registry, { name: 'vigil_retention_run_duration_seconds', help: 'How long the last retention pass took' }),
    failures: sharedCounter(registry, { name: 'vigil_retention_failures_total', help: 'Retention passes that failed (the next one tries again)' }),
    skipped: sharedCounter(registry, { name: 'vigil_retention_skipped_total', help: 'Retention passes left to another instance that held the lock' }),
  };
}

/**
 * Retention in the background of a service (the evaluator, the all-in-one): the partitions
 * ahead at start-up, a pass shortly after and then every hour, one instance at a time across
 * replicas (runRetention's advisory lock). A failed pass is logged and counted; the next tries again.
 */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const { db, log } = options;
  const m = retentionMetrics(options.metrics);
  let stopped = false;
  let running: Promise<RetentionReport | undefined> = Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;

  const pass = async (): Promise<RetentionReport | undefined> => {
    try {
      const report = await runRetention(db, { settings: options.settings, log, batchSize: options.batchSize, pauseMs: options.pauseMs });
      if (report.outcome === 'locked') {
        m.skipped.inc();
        return report;
      }
      for (const table of report.tables) m.rowsDeleted.inc({ table: table.table }, table.rows);
      m.partitionsCreated.inc(report.partitionsCreated.length);
      const dropped = report.tables.flatMap((t) => t.partitionsDropped);
      m.partitionsDropped.inc(dropped.length);
      m.partitionsHeld.set(report.tables.reduce((n, t) => n + t.partitionsHeld.length, 0));
      m.lastRun.set(Date.now() / 1000);
      m.duration.set(report.durationMs / 1000);
      const removed = Object.fromEntries(report.tables.filter((t) => t.rows > 0).map((t) => [t.table, t.rows]));
      log.info('retention pass done', {
        durationMs: report.durationMs,
        removed,
        partitionsCreated: report.partitionsCreated,
        partitionsDropped: dropped,
        ...(report.rollupsFolded === undefined ? {} : { rollupsFolded: report.rollupsFolded }),
      });
      return report;
    } catch (error) {
      m.failures.inc();
      log.warn('retention pass failed (the next one tries again)', { error: (error as Error).message });
      return undefined;
    }
  };
  const runNow = (): Promise<RetentionReport | undefined> => {
    running = running.then(() => (stopped ? undefined : pass()));
    return running;
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runNow().then(() => schedule(options.intervalMs ?? RETENTION_INTERVAL_MS));
    }, ms);
    timer.unref();
  };

  // Today's and the next days' partitions at once: a start after days down finds them missing.
  running = ensurePartitions(db)
    .then((created) => {
      m.partitionsCreated.inc(created.length);
      if (created.length > 0) log.info('check_results partitions created ahead', { partitions: created });
      return undefined;
    })
    .catch((error: unknown) => {
      m.failures.inc();
      log.warn('creating check_results partitions ahead failed (the retention pass tries again)', { error: (error as Error).message });
      return undefined;
    });
  schedule(options.firstRunDelayMs ?? RETENTION_FIRST_RUN_DELAY_MS);

  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
