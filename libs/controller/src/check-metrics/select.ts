import type { CheckType } from '@vigil/contracts';
import { freshForMs } from '@vigil/quorum';

// Which opted-in checks are exported and what their gauges say: pure, from the rows the
// catalogue query reads (see load.ts), so the limit and the states are tested without a database.

/** The labels of every per-check series. `check` is the check's id (uuid), `site` its site's slug. */
export const CHECK_METRIC_LABELS = ['check', 'check_name', 'site', 'location', 'type'] as const;
export type CheckMetricLabel = (typeof CHECK_METRIC_LABELS)[number];
export type CheckMetricLabels = Record<CheckMetricLabel, string>;

/** Upper bounds of vigil_check_latency_seconds: coarse on purpose, each bucket is a series per check and location. */
export const CHECK_LATENCY_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * Series one location of a check costs: vigil_check_up, vigil_check_unknown, and the latency
 * histogram's buckets, +Inf, _sum and _count. A heartbeat has no latency: its gauges only.
 */
export function seriesPerLocation(type: CheckType): number {
  return type === 'heartbeat' ? 2 : 2 + CHECK_LATENCY_BUCKETS_S.length + 3;
}

/** One row of the catalogue: an opted-in check at one of its locations (location null: it has none yet). */
export interface CatalogueRow {
  id: number;
  uuid: string;
  name: string | null;
  type: CheckType;
  site: string;
  intervalS: number;
  timeoutMs: number;
  location: string | null;
  /** location_states.resolved: false while the location is failing (the evaluator's sticky flag). */
  resolved: boolean | null;
  lastResultAt: Date | null;
  lastInconclusive: boolean | null;
}

export interface LocationGauge {
  labels: CheckMetricLabels;
  /** 1: the location's fresh evidence says up; 0: failing, or unknown. */
  up: 0 | 1;
  /** 1: no fresh conclusive result (stale, inconclusive, or never reported): neither up nor down. */
  unknown: 0 | 1;
}

export interface CheckMetricsSelection {
  gauges: LocationGauge[];
  /** The exported checks' labels by check uuid, then location: what a stored latency is observed under. */
  labels: Map<string, Map<string, CheckMetricLabels>>;
  /** The uuids of the checks read but left out by the limit. */
  dropped: Set<string>;
  /** Series the exported checks cost (at most the limit). */
  series: number;
  exportedChecks: number;
  /** Opted-in checks left out by the limit. */
  droppedChecks: number;
}

/**
 * Exports the opted-in checks in id order (oldest first, so every replica picks the same ones)
 * while their series fit in `maxSeries`; the first check that does not fit and every later one
 * are dropped, whole (never some of a check's locations). `optedIn` is how many checks are
 * opted in, the rows may hold fewer (the query reads no further than the limit can reach).
 */
export function selectCheckMetrics(rows: readonly CatalogueRow[], options: { maxSeries: number; optedIn: number; now: number }): CheckMetricsSelection {
  const byCheck = new Map<number, CatalogueRow[]>();
  for (const row of rows) {
    const list = byCheck.get(row.id);
    if (list === undefined) byCheck.set(row.id, [row]);
    else list.push(row);
  }
  const selection: CheckMetricsSelection = { gauges: [], labels: new Map(), dropped: new Set(), series: 0, exportedChecks: 0, droppedChecks: 0 };
  const ordered = [...byCheck.values()].sort((a, b) => a[0].id - b[0].id);
  for (const checkRows of ordered) {
    const locations = checkRows.filter((row): row is CatalogueRow & { location: string } => row.location !== null);
    const cost = locations.length * seriesPerLocation(checkRows[0].type);
    if (selection.dropped.size > 0 || selection.series + cost > options.maxSeries) {
      selection.dropped.add(checkRows[0].uuid);
      continue;
    }
    selection.series += cost;
    selection.exportedChecks += 1;
    const byLocation = new Map<string, CheckMetricLabels>();
    for (const row of locations) {
      const labels: CheckMetricLabels = { check: row.uuid, check_name: row.name ?? '', site: row.site, location: row.location, type: row.type };
      byLocation.set(row.location, labels);
      selection.gauges.push({ labels, ...locationVerdict(row, options.now) });
    }
    selection.labels.set(checkRows[0].uuid, byLocation);
  }
  selection.droppedChecks = Math.max(0, options.optedIn - selection.exportedChecks);
  return selection;
}

/** Up, failing or unknown, by the evaluator's rules: fresh = conclusive and younger than freshForMs. */
export function locationVerdict(
  row: Pick<CatalogueRow, 'resolved' | 'lastResultAt' | 'lastInconclusive' | 'intervalS' | 'timeoutMs'>,
  now: number,
): Pick<LocationGauge, 'up' | 'unknown'> {
  const fresh = row.lastResultAt !== null && row.lastInconclusive !== true && now - row.lastResultAt.getTime() <= freshForMs(row);
  if (!fresh) return { up: 0, unknown: 1 };
  return { up: row.resolved === false ? 0 : 1, unknown: 0 };
}

/** A label set's identity, to tell which series a new selection no longer has. */
export function labelsKey(labels: CheckMetricLabels): string {
  return JSON.stringify(CHECK_METRIC_LABELS.map((name) => labels[name]));
}
