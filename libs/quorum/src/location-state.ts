import type { QuorumPolicy } from './policy';

/**
 * What one result says: `ok`, `degraded` (it passed, but crossed a degraded rule: too slow, a
 * degraded assertion), `failed`, or `inconclusive` (the runner could not tell: its own network
 * was in doubt, or the egress policy refused the target). A degraded result is a pass for the
 * failing and passing strikes. An inconclusive result moves no strike; it only makes the
 * location count as stale until its next conclusive result.
 */
export type ResultOutcome = 'ok' | 'degraded' | 'failed' | 'inconclusive';

/** The outcome of a stored result (`check_results.ok`, `.inconclusive`, `.degraded`). */
export function outcomeOf(result: { readonly ok: boolean; readonly inconclusive?: boolean; readonly degraded?: boolean }): ResultOutcome {
  if (result.inconclusive === true) return 'inconclusive';
  if (!result.ok) return 'failed';
  return result.degraded === true ? 'degraded' : 'ok';
}

/**
 * Strikes of one check at one location (DESIGN.md `location_states`, Defcon `site_outages`).
 * `failing` is sticky: it is set when `failingStrikes` reaches the failing threshold and
 * cleared only when `passingStrikes` reaches the passing threshold (stored as `resolved = !failing`).
 * Times are epoch milliseconds: numbers cannot be mutated behind a reader's back, as a Date can.
 */
export interface LocationState {
  readonly location: string;
  readonly failingStrikes: number;
  readonly passingStrikes: number;
  readonly failing: boolean;
  /** When the latest result (of any outcome) was checked, or null if the location never reported. */
  readonly lastResultAt: number | null;
  /** The latest result was inconclusive: the location counts as stale until a conclusive one (`last_inconclusive`). */
  readonly inconclusive: boolean;
  /**
   * Consecutive degraded passes (`degraded_strikes`): a clean pass or a failure resets them, an
   * inconclusive result leaves them. The location is degraded once they reach the failing
   * threshold (one slow response is noise, as one failure is), and stops at its first clean pass.
   */
  readonly degradedStrikes: number;
}

/** How one location counts in the verdict right now. */
export type LocationStatus =
  /** At or over the failing threshold, and not yet recovered: counts toward the quorum. */
  | 'failing'
  /** Its last result failed but it has not reached the failing threshold: suspicious, not counted. */
  | 'suspect'
  /** Its last results passed but were degraded, `failingThreshold` in a row: counts toward a degraded quorum. */
  | 'degraded'
  /** Healthy: its last result passed and it is not failing (nor degraded). */
  | 'passing'
  /** Its latest result was inconclusive: counts neither way, like a stale location. */
  | 'inconclusive'
  /** No result within the freshness window: counts neither way. */
  | 'stale';

/** The state of a location that has not reported yet. */
export function initialLocationState(location: string): LocationState {
  return { location, failingStrikes: 0, passingStrikes: 0, failing: false, lastResultAt: null, inconclusive: false, degradedStrikes: 0 };
}

/**
 * Counts one result: a failure adds a failing strike and resets the passing strikes, a pass
 * does the opposite, an inconclusive result moves no strike. Whether the location is
 * inconclusive follows its newest result only: one reported late changes the strikes (if
 * conclusive) but not that. Returns a new state; the input is not changed.
 */
export function recordResult(policy: QuorumPolicy, state: LocationState, outcome: ResultOutcome, at: number): LocationState {
  const newest = state.lastResultAt === null || at >= state.lastResultAt;
  const lastResultAt = newest ? at : state.lastResultAt;
  if (outcome === 'inconclusive') {
    return { ...state, lastResultAt, inconclusive: newest || state.inconclusive };
  }
  const inconclusive = newest ? false : state.inconclusive;
  if (outcome === 'ok' || outcome === 'degraded') {
    const passingStrikes = state.passingStrikes + 1;
    return {
      location: state.location,
      failingStrikes: 0,
      passingStrikes,
      failing: state.failing && passingStrikes < policy.passingThreshold,
      lastResultAt,
      inconclusive,
      degradedStrikes: outcome === 'degraded' ? state.degradedStrikes + 1 : 0,
    };
  }
  const failingStrikes = state.failingStrikes + 1;
  return {
    location: state.location,
    failingStrikes,
    passingStrikes: 0,
    failing: state.failing || failingStrikes >= policy.failingThreshold,
    lastResultAt,
    inconclusive,
    degradedStrikes: 0,
  };
}

/**
 * Whether the location is fresh at `now`: its latest result is conclusive and no older than the
 * policy's window (`freshForMs` of the check, for a stored one).
 */
export function isFresh(policy: QuorumPolicy, state: LocationState, now: number): boolean {
  return !state.inconclusive && state.lastResultAt !== null && now - state.lastResultAt <= policy.staleAfterMs;
}

/**
 * Whether the location is degraded (fresh or not): neither failing nor suspect, and its latest
 * `failingThreshold` results or more were degraded passes. Failing outranks degraded: a location
 * passing slowly its way back from an outage counts as failing until the passing threshold.
 */
export function isDegraded(policy: QuorumPolicy, state: LocationState): boolean {
  return !state.failing && state.failingStrikes === 0 && state.degradedStrikes >= policy.failingThreshold;
}

/** How a location counts at `now`. */
export function locationStatus(policy: QuorumPolicy, state: LocationState, now: number): LocationStatus {
  if (state.inconclusive) return 'inconclusive';
  if (!isFresh(policy, state, now)) return 'stale';
  if (state.failing) return 'failing';
  if (state.failingStrikes > 0) return 'suspect';
  return isDegraded(policy, state) ? 'degraded' : 'passing';
}
