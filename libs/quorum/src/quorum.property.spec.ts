import { createPrng, type Prng } from '@vigil/testing';
import { freshForMs } from './freshness';
import { initialLocationState, isDegraded, isFresh, recordResult, type LocationState, type ResultOutcome } from './location-state';
import { createQuorumPolicy, type QuorumPolicy } from './policy';
import { evaluateQuorum } from './verdict';

/*
 * Seeded random sequences of results (ok, degraded, failed, inconclusive, some reported late,
 * locations going silent) over random policies; the inconclusive, unknown and degraded rules are
 * checked after every step. A failure names its seed and step.
 */

const SEQUENCES = 2000;
const OUTCOMES: readonly ResultOutcome[] = ['ok', 'degraded', 'failed', 'inconclusive'];

function randomPolicy(rng: Prng): QuorumPolicy {
  const n = rng.int(1, 5);
  const intervalS = rng.int(10, 120);
  return createQuorumPolicy({
    locations: Array.from({ length: n }, (_, i) => `loc-${i}`),
    failingThreshold: rng.int(1, 4),
    passingThreshold: rng.int(1, 4),
    failingLocationsThreshold: rng.chance(0.5) ? rng.int(1, n) : `${rng.int(1, 100)}%`,
    staleAfterMs: freshForMs({ intervalS, timeoutMs: rng.int(1_000, 30_000) }),
  });
}

function runSequence(seed: number, seen: Set<string>): void {
  const rng = createPrng(seed);
  const policy = randomPolicy(rng);
  const states: LocationState[] = policy.locations.map(initialLocationState);
  let now = 1_700_000_000_000;
  const steps = rng.int(20, 120);
  for (let step = 0; step < steps; step++) {
    const check = (ok: boolean, what: string): void => {
      if (!ok) throw new Error(`seed ${seed}, step ${step}: ${what}`);
    };
    now += rng.int(1_000, policy.staleAfterMs / 2);
    const i = rng.int(0, states.length - 1);
    const before = states[i];
    const outcome = rng.pick(OUTCOMES);
    const at = rng.chance(0.1) ? now - rng.int(1, policy.staleAfterMs) : now;
    const after = recordResult(policy, before, outcome, at);
    states[i] = after;

    if (outcome === 'inconclusive') {
      check(
        after.failingStrikes === before.failingStrikes &&
          after.passingStrikes === before.passingStrikes &&
          after.failing === before.failing &&
          after.degradedStrikes === before.degradedStrikes,
        'an inconclusive result moves no strike',
      );
      if (at >= (before.lastResultAt ?? at)) check(after.inconclusive && !isFresh(policy, after, now), 'an inconclusive location is not fresh');
    } else if (at >= (before.lastResultAt ?? at)) {
      check(!after.inconclusive, 'a conclusive newest result clears inconclusive');
    } else {
      check(after.inconclusive === before.inconclusive, 'a late result leaves inconclusive as it was');
    }
    if (outcome === 'degraded') check(after.degradedStrikes === before.degradedStrikes + 1 && after.failingStrikes === 0, 'a degraded pass adds a degraded strike');
    if (outcome === 'ok' || outcome === 'failed') check(after.degradedStrikes === 0, 'a clean pass or a failure resets the degraded strikes');
    check(!isDegraded(policy, after) || (!after.failing && after.failingStrikes === 0), 'a failing or suspect location is never degraded');
    check(after.lastResultAt !== null && after.lastResultAt >= (before.lastResultAt ?? -Infinity), 'the latest result time never goes back');

    const v = evaluateQuorum(policy, states, now);
    const freshConclusive = states.filter((s) => isFresh(policy, s, now)).length;
    check(v.failing + v.suspect + v.passing + v.stale === v.locations, 'every location is counted once');
    const degraded = states.filter((s) => isFresh(policy, s, now) && isDegraded(policy, s)).length;
    check(v.degraded === degraded && v.degraded <= v.passing, 'the degraded locations are the fresh ones degraded, among the passing');
    check(
      (v.status === 'degraded') === (v.quorumReachable && v.failing + v.suspect === 0 && v.degraded >= v.required),
      'degraded exactly when k of n fresh locations are degraded and none fails',
    );
    check(v.belowDegradedQuorum === v.degraded + v.stale < v.required, 'below the degraded quorum even counting stale locations');
    check(v.inconclusive === states.filter((s) => s.inconclusive).length && v.inconclusive <= v.stale, 'inconclusive locations count as stale');
    check(v.locations - v.stale === freshConclusive, 'the fresh locations are the fresh, conclusive ones');
    if (freshConclusive < v.required) check(v.status === 'unknown', 'fewer fresh conclusive locations than the quorum: unknown, never up');
    check((v.status === 'unknown') === !v.quorumReachable, 'unknown exactly when the quorum is not reachable');
    check((v.status === 'down') === v.failing >= v.required, 'down exactly when the failing locations reach the quorum');
    seen.add(v.status);
  }
}

describe('quorum over random sequences with inconclusive and degraded results', () => {
  it(`keeps the inconclusive and unknown rules after every step of ${SEQUENCES} seeded sequences`, () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= SEQUENCES; seed++) runSequence(seed, seen);
    expect([...seen].sort()).toEqual(['degraded', 'down', 'seems_down', 'unknown', 'up']);
  });
});
