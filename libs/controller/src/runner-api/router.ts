import { pollRuns, type ReportItemOutcome, type ReportOutcome, reportResults } from '@vigil/contracts';
import type { AreaContext } from '../http/area';
import { locationLink } from './location-link';

/** How many results had each outcome, in one pass over them. */
export function countByOutcome(results: readonly ReportItemOutcome[]): Record<ReportOutcome, number> {
  const counts: Record<ReportOutcome, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const result of results) counts[result.outcome] += 1;
  return counts;
}

/** The runner API (Defcon): runners lease due runs and report their results. */
export function mountRunnerApi(ctx: AreaContext): void {
  ctx.route(pollRuns, async ({ query, principal }) => ({
    runs: await locationLink(ctx.deps, principal.slug).poll(query.limit, query.lookahead_ms),
  }));

  ctx.route(reportResults, async ({ body, principal }) => {
    const results = await locationLink(ctx.deps, principal.slug).report(body.results);
    const counts = countByOutcome(results);
    return { results, accepted: counts.accepted, duplicates: counts.duplicate, rejected: counts.rejected };
  });
}
