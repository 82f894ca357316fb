import { pollRuns, reportResults, type RunSpec } from '@vigil/contracts';
import type { AreaContext } from '../http/area';
import { ingestResults } from '../ingest/store-results';
import { controllerMetrics, countOutcomes } from '../metrics';
import { type LeasedRun, leaseDueRuns } from '../scheduling/lease';

function toRunSpec(run: LeasedRun): RunSpec {
  return {
    run_id: run.runId,
    check_id: run.checkUuid,
    type: run.type,
    target: run.target,
    spec: run.spec,
    timeout_ms: run.timeoutMs,
    due_at: run.dueAt.toISOString(),
  };
}

/** The runner API (Defcon): runners lease due runs and report their results. */
export function mountRunnerApi(ctx: AreaContext): void {
  const metrics = controllerMetrics(ctx.deps.metrics);

  ctx.route(pollRuns, async ({ query, principal }) => {
    const runs = await leaseDueRuns(ctx.deps.db, principal.slug, query.limit);
    metrics.leasesIssued.inc(runs.length);
    const expired = runs.filter((run) => run.previousLeaseExpired).length;
    if (expired > 0) metrics.leasesExpired.inc(expired);
    return { runs: runs.map(toRunSpec) };
  });

  ctx.route(reportResults, async ({ body, principal }) => {
    const { results, counts } = await ingestResults(ctx.deps.db, principal.slug, body.results);
    countOutcomes(metrics, counts);
    return { results, accepted: counts.accepted, duplicates: counts.duplicate, rejected: counts.rejected };
  });
}
