import type { ReportItemOutcome } from '@vigil/contracts';
import type { ControllerLink } from '@vigil/runner-agent';

/** Every outcome the controller answered the runner with, one per result it answered for. */
export type AnsweredResults = ReportItemOutcome[];

/**
 * The runner's link, passed through, keeping each outcome the controller answered with:
 * what the runner learnt was stored, to compare with what the database holds. A report
 * whose answer never arrived is not kept; the runner sends it again.
 */
export function recordingLink(link: ControllerLink, answered: AnsweredResults): ControllerLink {
  return {
    poll: (limit, lookaheadMs) => link.poll(limit, lookaheadMs),
    async report(results) {
      const outcomes = await link.report(results);
      answered.push(...outcomes);
      return outcomes;
    },
  };
}
