import type { QuorumPolicy } from './policy';

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
  /** When the latest result was checked, or null if the location never reported. */
  readonly lastResultAt: number | null;
}

/** How one location counts in the verdict right now. */
export type LocationStatus =
  /** At or over the failing threshold, and not yet recovered: counts toward the quorum. */
  | 'failing'
  /** Its last result failed but it has not reached the failing threshold: suspicious, not counted. */
  | 'suspect'
  /** Healthy: its last result passed and it is not failing. */
  | 'passing'
  /** No result within the staleness window: counts neither way. */
  | 'stale';

/** The state of a location that has not reported yet. */
export function initialLocationState(location: string): LocationState {
  return { location, failingStrikes: 0, passingStrikes: 0, failing: false, lastResultAt: null };
}

/**
 * Counts one result: a failure adds a failing strike and resets the passing strikes, a pass
 * does the opposite. Returns a new state; the input is not changed.
 */
export function recordResult(policy: QuorumPolicy, state: LocationState, ok: boolean, at: number): LocationState {
  const lastResultAt = state.lastResultAt !== null && state.lastResultAt > at ? state.lastResultAt : at;
  if (ok) {
    const passingStrikes = state.passingStrikes + 1;
    return {
      location: state.location,
      failingStrikes: 0,
      passingStrikes,
      failing: state.failing && passingStrikes < policy.passingThreshold,
      lastResultAt,
    };
  }
  const failingStrikes = state.failingStrikes + 1;
  return {
    location: state.location,
    failingStrikes,
    passingStrikes: 0,
    failing: state.failing || failingStrikes >= policy.failingThreshold,
    lastResultAt,
  };
}

/** Whether the location has reported within the policy's staleness window at `now`. */
export function isFresh(policy: QuorumPolicy, state: LocationState, now: number): boolean {
  return state.lastResultAt !== null && now - state.lastResultAt <= policy.staleAfterMs;
}

/** How a location counts at `now`. */
export function locationStatus(policy: QuorumPolicy, state: LocationState, now: number): LocationStatus {
  if (!isFresh(policy, state, now)) return 'stale';
  if (state.failing) return 'failing';
  return state.failingStrikes > 0 ? 'suspect' : 'passing';
}
