// @ts-check
// Whether a location of a check has gone quiet. A location that stops reporting does not
// count as failing (DESIGN.md, Quorum): the dashboard shows it as stale instead.

/**
 * @typedef {Pick<import('../../src/api-types').Runner, 'slug' | 'stale' | 'last_seen_at' | 'revoked_at'>} RunnerLike
 * @typedef {{ stale: boolean, reason: string | null }} Staleness
 */

export const CONTROLLER_LOCATION = '@controller';
const GRACE_MS = 60_000;

/**
 * A location is stale when its runner is revoked, stale or unknown, or when it has not
 * reported for two intervals plus the timeout and a minute's grace (a new check gets the
 * same time for its first result).
 * @param {{ location: string, lastResultAt: string | null, runners: RunnerLike[], intervalS: number, timeoutMs: number, checkCreatedAt: string, now: number }} input
 * @returns {Staleness}
 */
export function locationStaleness({ location, lastResultAt, runners, intervalS, timeoutMs, checkCreatedAt, now }) {
  if (location !== CONTROLLER_LOCATION) {
    const runner = runners.find((r) => r.slug === location);
    if (runner === undefined) return { stale: true, reason: 'no runner has this slug' };
    if (runner.revoked_at !== null) return { stale: true, reason: 'its runner is revoked' };
    if (runner.stale) return { stale: true, reason: runner.last_seen_at === null ? 'its runner has never connected' : 'its runner is not polling' };
  }
  const allowedMs = 2 * intervalS * 1000 + timeoutMs + GRACE_MS;
  if (lastResultAt === null) {
    return now - Date.parse(checkCreatedAt) > allowedMs ? { stale: true, reason: 'no result yet' } : { stale: false, reason: null };
  }
  return now - Date.parse(lastResultAt) > allowedMs ? { stale: true, reason: 'no recent result' } : { stale: false, reason: null };
}
