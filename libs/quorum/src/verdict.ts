import { isDegraded, isFresh, type LocationState } from './location-state';
import type { QuorumPolicy } from './policy';

/**
 * What the locations say about a check:
 * - `down`: at least `required` fresh locations are failing (the quorum confirms);
 * - `unknown`: fewer fresh, conclusive locations than `required` remain: the quorum could
 *   neither confirm an outage nor rule one out, so the check is never shown up;
 * - `seems_down`: enough locations report, some fresh location is failing or its last result failed;
 * - `degraded`: enough locations report, every fresh one passes, and at least `required` of them
 *   are degraded (the same k of n as for down: one slow location of three proves nothing);
 * - `up`: enough locations report, every fresh one passes, and fewer than `required` are degraded.
 */
export type CheckStatus = 'up' | 'degraded' | 'seems_down' | 'down' | 'unknown';

/** The quorum decision for one check at one instant, with the counts behind it. */
export interface QuorumVerdict {
  readonly status: CheckStatus;
  /** Assigned locations. `failing + suspect + passing + stale === locations`. */
  readonly locations: number;
  /** Failing locations that confirm an outage. */
  readonly required: number;
  readonly failing: number;
  /** Of the failing locations, those whose latest result failed (not passing their way back yet). */
  readonly failingOnFailure: number;
  readonly suspect: number;
  readonly passing: number;
  /** Of the passing locations, those degraded (`isDegraded`): `required` of them make the check degraded. */
  readonly degraded: number;
  /** Locations without a fresh, conclusive result (never reported, silent, or inconclusive). */
  readonly stale: number;
  /** Of the stale locations, those whose latest result was inconclusive. */
  readonly inconclusive: number;
  /** `locations - stale >= required`: enough fresh, conclusive locations for a verdict; `unknown` exactly when false. */
  readonly quorumReachable: boolean;
  /**
   * `failing + suspect + stale < required`: the quorum is not met even if every location whose
   * latest result failed, or that is stale, were failing. A confirmed outage recovers only then:
   * recovery is proven by passes, not by silence nor by a fresh failure below the threshold.
   */
  readonly belowQuorum: boolean;
  /**
   * `degraded + stale < required`: the degraded quorum is not met even if every stale location
   * were degraded. A degraded check recovers only then: by clean passes, not by silence.
   */
  readonly belowDegradedQuorum: boolean;
}

/**
 * Evaluates the quorum over the states of a check's locations at `now`. Pass at most one
 * state per location; states of locations the policy does not assign are ignored, and
 * assigned locations without a state count as stale.
 */
export function evaluateQuorum(policy: QuorumPolicy, states: readonly LocationState[], now: number): QuorumVerdict {
  let failing = 0;
  let failingOnFailure = 0;
  let suspect = 0;
  let passing = 0;
  let degraded = 0;
  let inconclusive = 0;
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    if (!policy.assigned.has(s.location)) continue;
    if (s.inconclusive) inconclusive++;
    if (!isFresh(policy, s, now)) continue;
    if (s.failing) {
      failing++;
      if (s.failingStrikes > 0) failingOnFailure++;
    } else if (s.failingStrikes > 0) suspect++;
    else {
      passing++;
      if (isDegraded(policy, s)) degraded++;
    }
  }
  const locations = policy.locations.length;
  const required = policy.required;
  const fresh = failing + suspect + passing;
  const quorumReachable = fresh >= required;
  const status: CheckStatus =
    failing >= required ? 'down' : !quorumReachable ? 'unknown' : failing + suspect > 0 ? 'seems_down' : degraded >= required ? 'degraded' : 'up';
  const stale = locations - fresh;
  return {
    status,
    locations,
    required,
    failing,
    failingOnFailure,
    suspect,
    passing,
    degraded,
    stale,
    inconclusive,
    quorumReachable,
    belowQuorum: failing + suspect + stale < required,
    belowDegradedQuorum: degraded + stale < required,
  };
}
