import type { ReportedResult, ReportItemOutcome, RunSpec } from '@vigil/contracts';

/**
 * How the agent reaches its controller: over HTTP for a runner, or in process for the
 * controller's own `@controller` location. Both lease runs and report results the same way.
 */
export interface ControllerLink {
  /**
   * Leases up to `limit` (1–500) due runs, and runs due within `lookaheadMs` (0–5000, default 0);
   * a run leased ahead must not start before its `due_at`.
   */
  poll(limit: number, lookaheadMs?: number): Promise<RunSpec[]>;
  /** Reports 1–500 results; one outcome per result, in order. */
  report(results: readonly ReportedResult[]): Promise<ReportItemOutcome[]>;
}

/**
 * - `unavailable`: unreachable, 5xx or 429; try again later, the request may be repeated as it is.
 * - `unauthorized`: the controller refused the runner's token (401/403); a person must act.
 * - `refused`: any other 4xx; the request itself is wrong and repeating it will not help.
 */
export type LinkFailure = 'unavailable' | 'unauthorized' | 'refused';

export class LinkError extends Error {
  override readonly name = 'LinkError';

  constructor(
    readonly failure: LinkFailure,
    message: string,
    /** From a Retry-After header: the controller's own idea of when to come back. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
