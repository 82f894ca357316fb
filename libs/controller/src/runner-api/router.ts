import { pollRuns, reportResults } from '@vigil/contracts';
import type { AreaContext } from '../http/area';
import { locationLink } from './location-link';

/** The runner API (Defcon): runners lease due runs and report their results. */
export function mountRunnerApi(ctx: AreaContext): void {
  ctx.route(pollRuns, async ({ query, principal }) => ({
    runs: await locationLink(ctx.deps, principal.slug).poll(query.limit, query.lookahead_ms),
  }));

  ctx.route(reportResults, async ({ body, principal }) => {
    const results = await locationLink(ctx.deps, principal.slug).report(body.results);
    const count = (outcome: string) => results.filter((result) => result.outcome === outcome).length;
    return { results, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected') };
  });
}
