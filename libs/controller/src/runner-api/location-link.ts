import { CONTROLLER_LOCATION, type ReportedResult, type ReportItemOutcome, type RunSpec } from '@vigil/contracts';
import type { SqlDatabase } from '@vigil/db';
import { checkSealer, type SecretKeyring } from '@vigil/secrets';
import type { Registry } from 'prom-client';
import { existingCheckMetrics } from '../check-metrics/exporter';
import { ingestResults } from '../ingest/store-results';
import { controllerMetrics, countOutcomes } from '../metrics';
import { type LeasedRun, leaseDueRuns } from '../scheduling/lease';
import { runsDue } from '../scheduling/runs-due';

/**
 * A leased run as the runner receives it: its spec's secret headers opened here, so runners need
 * no data key (they get them over their authenticated channel, as they did before encryption).
 */
export function toRunSpec(run: LeasedRun, secretKeys: SecretKeyring): RunSpec {
  return {
    run_id: run.runId,
    check_id: run.checkUuid,
    type: run.type,
    target: run.target,
    spec: checkSealer(secretKeys, run.type).open(run.spec),
    timeout_ms: run.timeoutMs,
    ...(run.degradedLatencyMs === null ? {} : { degraded_latency_ms: run.degradedLatencyMs }),
    due_at: run.dueAt.toISOString(),
    ...(run.previousLeaseExpired ? { previous_lease_expired: true } : {}),
  };
}

/** What one location does over the runner API, as functions: lease due runs, store their results. */
export interface LocationLink {
  /** Leases up to `limit` runs due now or within `lookaheadMs` (the poll's `lookahead_ms`). */
  poll(limit: number, lookaheadMs?: number): Promise<RunSpec[]>;
  report(results: readonly ReportedResult[]): Promise<ReportItemOutcome[]>;
}

/**
 * The runner API's two operations for `location`, without HTTP: the API's routes call it
 * for the runner that called them, and the controller's own `@controller` location calls it
 * directly, so both lease and store through the same code.
 */
export interface LocationLinkDeps {
  /** On PostgreSQL with its pool: leases and reports run on it, without Prisma. */
  db: SqlDatabase;
  metrics: Registry;
  secretKeys: SecretKeyring;
}

export function locationLink(deps: LocationLinkDeps, location: string): LocationLink {
  const metrics = controllerMetrics(deps.metrics);
  return {
    async poll(limit, lookaheadMs = 0) {
      const runs = await leaseDueRuns(deps.db, location, limit, lookaheadMs);
      metrics.leasesIssued.inc(runs.length);
      const expired = runs.filter((run) => run.previousLeaseExpired).length;
      if (expired > 0) metrics.leasesExpired.inc(expired);
      return runs.map((run) => toRunSpec(run, deps.secretKeys));
    },
    async report(results) {
      const { results: outcomes, counts, exportsMetrics } = await ingestResults(deps.db, location, results);
      countOutcomes(metrics, counts);
      // The opted-in checks' latencies: a Map look-up per stored result, from a cached catalogue.
      if (exportsMetrics.includes(true)) await existingCheckMetrics(deps.metrics)?.observe(location, results, outcomes, exportsMetrics);
      return outcomes;
    },
  };
}

/**
 * The `@controller` location: checks that list it are probed inside the controller itself. After
 * a poll that leased nothing, the next one looks first (runsDue) and leases only if a run is due:
 * an idle controller polls every second, and on the embedded database the lease statement costs
 * several times the look. A poll after one that found runs leases at once.
 */
export function ownLocationLink(deps: LocationLinkDeps): LocationLink {
  const link = locationLink(deps, CONTROLLER_LOCATION);
  let idle = false;
  return {
    report: (results) => link.report(results),
    async poll(limit, lookaheadMs = 0) {
      if (idle && !(await runsDue(deps.db, CONTROLLER_LOCATION, lookaheadMs))) return [];
      const runs = await link.poll(limit, lookaheadMs);
      idle = runs.length === 0;
      return runs;
    },
  };
}
