// @ts-check
// Whether a location of a check counts right now, and what the check's badge may say. The
// rule is the evaluator's (freshForMs in @vigil/quorum, answered by the API as `fresh`): the
// dashboard only explains it, so it never disagrees with the verdict it shows.

/**
 * @typedef {Pick<import('../../src/api-types').Runner, 'slug' | 'stale' | 'last_seen_at' | 'revoked_at'>} RunnerLike
 * @typedef {Pick<import('../../src/api-types').CheckLocation, 'fresh' | 'inconclusive' | 'last_result'>} LocationLike
 * @typedef {{ stale: boolean, reason: string | null }} Staleness
 */

export const CONTROLLER_LOCATION = '@controller';
/** A heartbeat check's one location: its job pings it, no runner serves it. */
export const HEARTBEAT_LOCATION = '@heartbeat';

/**
 * A location is stale unless the API calls it fresh (its latest result conclusive and recent
 * enough); the reason names the likeliest why: its runner (revoked, unknown, not polling), an
 * inconclusive result, or no recent result.
 * @param {{ location: string, state: LocationLike | undefined, runners: RunnerLike[] }} input
 * @returns {Staleness}
 */
export function locationStaleness({ location, state, runners }) {
  if (location !== CONTROLLER_LOCATION && location !== HEARTBEAT_LOCATION) {
    const runner = runners.find((r) => r.slug === location);
    if (runner === undefined) return { stale: true, reason: 'no runner has this slug' };
    if (runner.revoked_at !== null) return { stale: true, reason: 'its runner is revoked' };
    if (runner.stale) return { stale: true, reason: runner.last_seen_at === null ? 'its runner has never connected' : 'its runner is not polling' };
  }
  if (state?.fresh) return { stale: false, reason: null };
  if (state?.inconclusive) return { stale: true, reason: 'its last result was inconclusive' };
  if (location === HEARTBEAT_LOCATION && !state?.last_result) return { stale: true, reason: 'waiting for the first ping' };
  return { stale: true, reason: state?.last_result ? 'no recent result' : 'no result yet' };
}

/**
 * The status a check's badge shows: its own, except that it never says up while no location
 * is fresh (the evaluator may not have swept yet): then there is no data.
 * @template {string} S
 * @param {S} status
 * @param {LocationLike[]} states
 * @returns {S | 'unknown'}
 */
export function shownCheckStatus(status, states) {
  return status === 'up' && !states.some((s) => s.fresh) ? 'unknown' : status;
}
