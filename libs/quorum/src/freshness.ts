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
