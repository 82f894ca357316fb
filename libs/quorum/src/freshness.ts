/** Slack on top of the check's own schedule: a poll, a queue and a report take a few seconds. */
export const FRESHNESS_GRACE_MS = 10_000;

/** The columns of a check the freshness rule reads (`checks.interval_s`, `checks.timeout_ms`). */
export interface FreshnessSchedule {
  readonly intervalS: number;
  readonly timeoutMs: number;
}

/**
 * How long a location's latest result keeps it fresh: two of the check's intervals (one run
 * may be lost or late), plus its timeout (a run takes that long at most), plus a grace. A
 * location is fresh while its latest result is conclusive and no older than this; the one
 * rule the evaluator, its freshness sweep and any reader of `location_states` share.
 */
export function freshForMs(check: FreshnessSchedule): number {
  return 2 * check.intervalS * 1000 + check.timeoutMs + FRESHNESS_GRACE_MS;
}

/**
 * The last instant (epoch ms) a location counts as fresh: `isFresh` holds exactly while `now`
 * is at most this. Null when no conclusive result keeps it fresh (none yet, or the latest was
 * inconclusive). The lease stores it as `location_states.fresh_until`, so that the freshness sweep
 * finds the locations that just went stale through an index instead of reading every check; the
 * evaluation may keep an earlier value there while it is still well ahead (a lower bound, which
 * keeps its update HOT), and the sweep moves such a one to this instant before acting on it.
 */
export function freshUntilMs(latest: { readonly lastResultAt: number | null; readonly inconclusive: boolean }, check: FreshnessSchedule): number | null {
  return latest.inconclusive || latest.lastResultAt === null ? null : latest.lastResultAt + freshForMs(check);
}
