import { isInconclusive, type ReportedResult, type ReportItemOutcome } from '@vigil/contracts';
import type { Database } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { sharedGauge, sharedHistogram } from '@vigil/metrics';
import type { Gauge, Histogram, Registry } from 'prom-client';
import { loadCheckMetricsCatalogue } from './load';
import { CHECK_LATENCY_BUCKETS_S, CHECK_METRIC_LABELS, type CheckMetricLabel, type CheckMetricLabels, type CheckMetricsSelection, labelsKey, selectCheckMetrics } from './select';

/** VIGIL_CHECK_METRICS_MAX_SERIES's default. */
export const DEFAULT_CHECK_METRICS_MAX_SERIES = 10_000;
/** How long the catalogue (which checks are exported, their gauges) is reused before it is read again. */
export const DEFAULT_CHECK_METRICS_CACHE_MS = 10_000;

export interface CheckMetricsOptions {
  /** Series the per-check metrics may add, at most (0: none are exported). */
  maxSeries?: number;
  /** How long one read of the catalogue serves scrapes and ingests. */
  cacheMs?: number;
}

export interface CheckMetricsDeps {
  db: Pick<Database, 'prisma'>;
  metrics: Registry;
  logger: Logger;
}

/** At most this often, a result of a check the catalogue does not know has it read again. */
const NEW_CHECK_READ_MS = 1_000;

const EMPTY: CheckMetricsSelection = { gauges: [], labels: new Map(), dropped: new Set(), series: 0, exportedChecks: 0, droppedChecks: 0 };

/**
 * The per-check Prometheus series of one controller process (issue 16), for the checks that opt in
 * (`export_metrics`):
 * - `vigil_check_up` and `vigil_check_unknown` per check and location are the database's view
 *   (location_states), computed when /metrics is scraped from a catalogue read at most every
 *   `cacheMs`: every replica answers the same values;
 * - `vigil_check_latency_seconds` is observed as this replica stores a result, looked up in the
 *   same catalogue by the check's id (a Map look-up, never a query per result): each replica
 *   counts the results it stored, and Prometheus sums the replicas;
 * - the limit keeps the oldest opted-in checks that fit; `vigil_check_metrics_dropped_checks`
 *   counts the others, and one warning is logged when checks start being dropped;
 * - a check no longer exported (opted out, disabled, deleted, renamed, dropped) loses its series
 *   at the next read of the catalogue.
 */
export class CheckMetrics {
  private readonly maxSeries: number;
  private readonly cacheMs: number;
  private readonly latency: Histogram<CheckMetricLabel>;
  private selection: CheckMetricsSelection = EMPTY;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<CheckMetricsSelection> | undefined;
  /** Label sets the histogram has series for, so that the ones no longer exported are removed. */
  private readonly observed = new Map<string, CheckMetricLabels>();
  /** The current selection's label sets already in `observed` (by identity: no key to compute per result). */
  private recorded = new Set<CheckMetricLabels>();
  private warned = false;

  constructor(
    private readonly deps: CheckMetricsDeps,
    options: CheckMetricsOptions = {},
  ) {
    this.maxSeries = options.maxSeries ?? DEFAULT_CHECK_METRICS_MAX_SERIES;
    this.cacheMs = options.cacheMs ?? DEFAULT_CHECK_METRICS_CACHE_MS;
    const labelNames = [...CHECK_METRIC_LABELS];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client binds `this` to the metric in collect.
    const self = this;
    // Every collect waits for the same read, so one scrape reads the catalogue once.
    const gauge = (name: string, help: string, value: (selection: CheckMetricsSelection, metric: Gauge<CheckMetricLabel>) => void) =>
      sharedGauge(deps.metrics, {
        name,
        help,
        labelNames,
        async collect() {
          const selection = await self.current();
          this.reset();
          value(selection, this);
        },
      });
    gauge('vigil_check_up', 'Per opted-in check and location: 1 when its fresh result says up, 0 when failing or unknown', (selection, metric) => {
      for (const item of selection.gauges) metric.set(item.labels, item.up);
    });
    gauge('vigil_check_unknown', 'Per opted-in check and location: 1 when it has no fresh conclusive result (neither up nor down)', (selection, metric) => {
      for (const item of selection.gauges) metric.set(item.labels, item.unknown);
    });
    sharedGauge(deps.metrics, {
      name: 'vigil_check_metrics_dropped_checks',
      help: 'Checks that opted in to per-check metrics but are not exported: beyond VIGIL_CHECK_METRICS_MAX_SERIES',
      async collect() {
        this.set((await self.current()).droppedChecks);
      },
    });
    sharedGauge(deps.metrics, {
      name: 'vigil_check_metrics_series',
      help: 'Series the exported per-check metrics may use (their locations times the series each costs)',
      async collect() {
        this.set((await self.current()).series);
      },
    });
    this.latency = sharedHistogram(deps.metrics, {
      name: 'vigil_check_latency_seconds',
      help: 'Per opted-in check and location: latency of the successful results this replica stored',
      labelNames,
      buckets: [...CHECK_LATENCY_BUCKETS_S],
      async collect() {
        // Series of checks no longer exported are gone before this scrape lists them.
        await self.current();
      },
    });
  }

  /**
   * Observes the latency of each stored (`accepted`) successful, conclusive result whose check
   * opts in (`exportsMetrics`, as the statement that stored it read it): a Map look-up per result.
   * A check the catalogue does not know yet (it opted in since the last read) has the catalogue
   * read again, at once but at most once a second and once per report, so that no opted-in
   * result is missed; one known to be beyond the limit does not.
   */
  async observe(location: string, results: readonly ReportedResult[], outcomes: readonly ReportItemOutcome[], exportsMetrics: readonly boolean[]): Promise<void> {
    let selection = this.selection;
    let reread = false;
    for (let i = 0; i < results.length; i++) {
      const result = results[i];
      if (exportsMetrics[i] !== true || outcomes[i]?.outcome !== 'accepted' || !result.ok || result.latency_ms === undefined || isInconclusive(result)) continue;
      let series = selection.labels.get(result.check_id)?.get(location);
      if (series === undefined && !reread && !selection.dropped.has(result.check_id) && Date.now() - this.readAt > Math.min(this.cacheMs, NEW_CHECK_READ_MS)) {
        reread = true;
        selection = await this.read();
        series = selection.labels.get(result.check_id)?.get(location);
      }
      if (series === undefined) continue;
      this.latency.observe(series, result.latency_ms / 1000);
      if (!this.recorded.has(series)) {
        this.recorded.add(series);
        this.observed.set(labelsKey(series), series);
      }
    }
  }

  /** The selection, read again when older than `cacheMs`; one read at a time. */
  async current(): Promise<CheckMetricsSelection> {
    if (Date.now() - this.readAt <= this.cacheMs) return this.selection;
    return this.read();
  }

  private read(): Promise<CheckMetricsSelection> {
    this.reading ??= this.load().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async load(): Promise<CheckMetricsSelection> {
    try {
      const { rows, optedIn } = await loadCheckMetricsCatalogue(this.deps.db, this.maxSeries);
      const selection = selectCheckMetrics(rows, { maxSeries: this.maxSeries, optedIn, now: Date.now() });
      this.apply(selection);
      return selection;
    } catch (error) {
      // The last selection keeps serving; the next scrape or ingest tries again.
      this.deps.logger.error('could not read the checks that export metrics', { error });
      this.readAt = Date.now();
      return this.selection;
    }
  }

  private apply(selection: CheckMetricsSelection): void {
    const exported = new Set<string>();
    for (const byLocation of selection.labels.values()) for (const labels of byLocation.values()) exported.add(labelsKey(labels));
    for (const [key, labels] of this.observed) {
      if (exported.has(key)) continue;
      this.latency.remove(labels);
      this.observed.delete(key);
    }
    if (selection.droppedChecks > 0 && !this.warned) {
      this.deps.logger.warn('some checks that opted in to per-check metrics are not exported: VIGIL_CHECK_METRICS_MAX_SERIES is reached', {
        maxSeries: this.maxSeries,
        exportedChecks: selection.exportedChecks,
        droppedChecks: selection.droppedChecks,
      });
    }
    // Warned again only after the limit stopped dropping checks and then dropped some again.
    this.warned = selection.droppedChecks > 0;
    this.selection = selection;
    this.recorded = new Set();
    this.readAt = Date.now();
  }
}

const byRegistry = new WeakMap<Registry, CheckMetrics>();

/** The per-check metrics on `deps.metrics`, made on first use (a later caller's options are not used, as with sharedGauge). */
export function checkMetricsOn(deps: CheckMetricsDeps, options: CheckMetricsOptions = {}): CheckMetrics {
  let metrics = byRegistry.get(deps.metrics);
  if (metrics === undefined) {
    metrics = new CheckMetrics(deps, options);
    byRegistry.set(deps.metrics, metrics);
  }
  return metrics;
}

/** The per-check metrics made on this registry, if any (the ingest path only looks). */
export function existingCheckMetrics(registry: Registry): CheckMetrics | undefined {
  return byRegistry.get(registry);
}
