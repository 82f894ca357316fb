import { isFresh, type LocationState } from './location-state';
import type { QuorumPolicy } from './policy';

/**
 * What the locations say about a check:
 * - `down`: at least `required` fresh locations are failing (the quorum confirms);
 * - `seems_down`: below the quorum, but some fresh location is failing or its last result failed;
 * - `up`: every fresh location passes;
 * - `unknown`: no location reported within the staleness window.
 */
export type CheckStatus = 'up' | 'seems_down' | 'down' | 'unknown';

/** The quorum decision for one check at one instant, with the counts behind it. */
export interface QuorumVerdict {
  readonly status: CheckStatus;
  /** Assigned locations. `failing + suspect + passing + stale === locations`. */
  readonly locations: number;
  /** Failing locations that confirm an outage. */
  readonly required: number;
  readonly failing: number;
  readonly suspect: number;
  readonly passing: number;
  /** Locations with no result within the staleness window (never reported included). */
  readonly stale: number;
  /** `locations - stale >= required`: enough locations report for an outage to be confirmable at all. */
  readonly quorumReachable: boolean;
  /**
   * `failing + stale < required`: the quorum is not met even if every stale location were
   * failing. A confirmed outage recovers only then: recovery is proven by passes, not by silence.
   */
  readonly belowQuorum: boolean;
}

/**
 * Evaluates the quorum over the states of a check's locations at `now`. Pass at most one
 * state per location; states of locations the policy does not assign are ignored, and
 * assigned locations without a state count as stale.
 */
export function evaluateQuorum(policy: QuorumPolicy, states: readonly LocationState[], now: number): QuorumVerdict {
  let failing = 0;
  let suspect = 0;
  let passing = 0;
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    if (!isFresh(policy, s, now) || !policy.assigned.has(s.location)) continue;
    if (s.failing) failing++;
    else if (s.failingStrikes > 0) suspect++;
    else passing++;
  }
  const locations = policy.locations.length;
  const required = policy.required;
  const stale = locations - failing - suspect - passing;
  const status: CheckStatus =
    failing >= required ? 'down' : failing + suspect > 0 ? 'seems_down' : passing > 0 ? 'up' : 'unknown';
  return {
    status,
    locations,
    required,
    failing,
    suspect,
    passing,
    stale,
    quorumReachable: locations - stale >= required,
    belowQuorum: failing + stale < required,
  };
}
