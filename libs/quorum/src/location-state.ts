import type { QuorumPolicy } from './policy';

/**
 * What one result says: `ok`, `failed`, or `inconclusive` (the runner could not tell: its own
 * network was in doubt, or the egress policy refused the target). An inconclusive result moves
 * no strike; it only makes the location count as stale until its next conclusive result.
 */
export type ResultOutcome = 'ok' | 'failed' | 'inconclusive';

/** The outcome of a stored result (`check_results.ok`, `check_results.inconclusive`). */
export function outcomeOf(result: { readonly ok: boolean; readonly inconclusive?: boolean }): ResultOutcome {
  return result.inconclusive === true ? 'inconclusive' : result.ok ? 'ok' : 'failed';
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
}

/** How one location counts in the verdict right now. */
export type LocationStatus =
  /** At or over the failing threshold, and not yet recovered: counts toward the quorum. */
  | 'failing'
  /** Its last result failed but it has not reached the failing threshold: suspicious, not counted. */
  | 'suspect'
  /** Healthy: its last result passed and it is not failing. */
  | 'passing'
  /** Its latest result was inconclusive: counts neither way, like a stale location. */
  | 'inconclusive'
  /** No result within the freshness window: counts neither way. */
  | 'stale';

/** The state of a location that has not reported yet. */
export function initialLocationState(location: string): LocationState {
  return { location, failingStrikes: 0, passingStrikes: 0, failing: false, lastResultAt: null, inconclusive: false };
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
  if (outcome === 'ok') {
    const passingStrikes = state.passingStrikes + 1;
    return {
      location: state.location,
      failingStrikes: 0,
      passingStrikes,
      failing: state.failing && passingStrikes < policy.passingThreshold,
      lastResultAt,
      inconclusive,
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
  };
}

/**
 * Whether the location is fresh at `now`: its latest result is conclusive and no older than the
 * policy's window (`freshForMs` of the check, for a stored one).
 */
export function isFresh(policy: QuorumPolicy, state: LocationState, now: number): boolean {
  return !state.inconclusive && state.lastResultAt !== null && now - state.lastResultAt <= policy.staleAfterMs;
}

/** How a location counts at `now`. */
export function locationStatus(policy: QuorumPolicy, state: LocationState, now: number): LocationStatus {
  if (state.inconclusive) return 'inconclusive';
  if (!isFresh(policy, state, now)) return 'stale';
  if (state.failing) return 'failing';
  return state.failingStrikes > 0 ? 'suspect' : 'passing';
}
