import { initialLocationState, locationStatus, recordResult, type LocationState } from './location-state';
import { createQuorumPolicy, type QuorumPolicy } from './policy';
import { evaluateQuorum, type QuorumVerdict } from './verdict';

const NOW = 1_000_000;
const STALE_AFTER = 60_000;

function policyFor(locations: readonly string[], threshold: number | string, failingThreshold = 1): QuorumPolicy {
  return createQuorumPolicy({ locations, failingThreshold, passingThreshold: 1, failingLocationsThreshold: threshold, staleAfterMs: STALE_AFTER });
}

type Kind = 'failing' | 'suspect' | 'passing' | 'degraded' | 'stale' | 'never' | 'inconclusive';
function stateOf(location: string, kind: Kind): LocationState {
  const fresh = NOW - 1000;
  switch (kind) {
    case 'failing':
      return { location, failingStrikes: 3, passingStrikes: 0, failing: true, lastResultAt: fresh, inconclusive: false, degradedStrikes: 0 };
    case 'suspect':
      return { location, failingStrikes: 1, passingStrikes: 0, failing: false, lastResultAt: fresh, inconclusive: false, degradedStrikes: 0 };
    case 'passing':
      return { location, failingStrikes: 0, passingStrikes: 2, failing: false, lastResultAt: fresh, inconclusive: false, degradedStrikes: 0 };
    case 'degraded':
      return { location, failingStrikes: 0, passingStrikes: 2, failing: false, lastResultAt: fresh, inconclusive: false, degradedStrikes: 2 };
    case 'stale':
      return { location, failingStrikes: 3, passingStrikes: 0, failing: true, lastResultAt: NOW - STALE_AFTER - 1, inconclusive: false, degradedStrikes: 0 };
    case 'inconclusive':
      return { location, failingStrikes: 3, passingStrikes: 0, failing: true, lastResultAt: fresh, inconclusive: true, degradedStrikes: 0 };
    case 'never':
      return initialLocationState(location);
  }
}

const LOCS = ['us-1', 'eu-1', 'ap-1'];
function verdict(kinds: readonly Kind[], threshold: number | string = '66%'): QuorumVerdict {
  return evaluateQuorum(
    policyFor(LOCS, threshold),
    kinds.map((k, i) => stateOf(LOCS[i], k)),
    NOW,
  );
}

describe('evaluateQuorum', () => {
  it('is down when 2 of 3 locations fail at a 66% threshold', () => {
    expect(verdict(['failing', 'failing', 'passing'])).toEqual({
      status: 'down',
      locations: 3,
      required: 2,
      failing: 2,
      failingOnFailure: 2,
      suspect: 0,
      passing: 1,
      degraded: 0,
      stale: 0,
      inconclusive: 0,
      quorumReachable: true,
      belowQuorum: false,
      belowDegradedQuorum: true,
    });
  });

  it('tells the failing locations whose latest result failed from those passing their way back', () => {
    const policy = createQuorumPolicy({ locations: ['a', 'b', 'c'], failingThreshold: 1, passingThreshold: 2, failingLocationsThreshold: 2, staleAfterMs: 60_000 });
    const failed = (location: string) => recordResult(policy, initialLocationState(location), 'failed', NOW);
    const back = recordResult(policy, failed('b'), 'ok', NOW);
    expect(back.failing).toBe(true);
    expect(evaluateQuorum(policy, [failed('a'), back, failed('c')], NOW)).toMatchObject({ failing: 3, failingOnFailure: 2 });
    expect(evaluateQuorum(policy, [failed('a'), back], NOW)).toMatchObject({ status: 'down', failing: 2, failingOnFailure: 1 });
  });

  it('seems down when 1 of 3 locations fails at a 66% threshold', () => {
    expect(verdict(['failing', 'passing', 'passing'])).toMatchObject({ status: 'seems_down', failing: 1, belowQuorum: true });
  });

  it('seems down at the first failed run of any location, before it reaches the failing threshold', () => {
    expect(verdict(['suspect', 'passing', 'passing'])).toMatchObject({ status: 'seems_down', failing: 0, suspect: 1 });
  });

  it('is up when every fresh location passes', () => {
    expect(verdict(['passing', 'passing', 'passing'])).toMatchObject({ status: 'up', passing: 3, belowQuorum: true });
  });

  it('is unknown when no location reported within the staleness window', () => {
    expect(verdict(['stale', 'never', 'stale'])).toMatchObject({ status: 'unknown', stale: 3, quorumReachable: false, belowQuorum: false });
  });

  it('does not count a stale location as failing, even if it was failing when it stopped reporting', () => {
    expect(verdict(['failing', 'stale', 'passing'])).toMatchObject({ status: 'seems_down', failing: 1, stale: 1 });
  });

  it('does not count a stale location as passing either: a confirmed outage is not below the quorum while stale locations could make it up', () => {
    const v = verdict(['failing', 'stale', 'passing']);
    expect(v.belowQuorum).toBe(false);
  });

  it('does not take a fresh failure below the threshold as proof of recovery: a confirmed outage is not below the quorum', () => {
    // A location back from silence whose first result fails is suspect, not passing.
    expect(verdict(['failing', 'suspect', 'passing'])).toMatchObject({ status: 'seems_down', failing: 1, suspect: 1, belowQuorum: false });
    expect(verdict(['passing', 'suspect', 'passing'])).toMatchObject({ status: 'seems_down', suspect: 1, belowQuorum: true });
  });

  it('counts assigned locations without a state as stale', () => {
    const v = evaluateQuorum(policyFor(LOCS, 2), [stateOf('us-1', 'passing')], NOW);
    expect(v).toMatchObject({ status: 'unknown', passing: 1, stale: 2, quorumReachable: false });
    expect(evaluateQuorum(policyFor(LOCS, 1), [stateOf('us-1', 'passing')], NOW)).toMatchObject({ status: 'up', stale: 2, quorumReachable: true });
  });

  it('is unknown, never up, when fewer fresh conclusive locations pass than the quorum needs', () => {
    expect(verdict(['passing', 'stale', 'never'])).toMatchObject({ status: 'unknown', passing: 1, quorumReachable: false });
    expect(verdict(['passing', 'inconclusive', 'inconclusive'])).toMatchObject({ status: 'unknown', stale: 2, inconclusive: 2 });
  });

  it('is unknown rather than seems down when a failing location is one of too few that report', () => {
    expect(verdict(['suspect', 'stale', 'stale'])).toMatchObject({ status: 'unknown', suspect: 1, quorumReachable: false });
  });

  it('counts an inconclusive location like a stale one, even if it was failing', () => {
    expect(verdict(['inconclusive', 'failing', 'passing'])).toMatchObject({ status: 'seems_down', failing: 1, stale: 1, inconclusive: 1, belowQuorum: false });
    expect(verdict(['inconclusive', 'inconclusive', 'inconclusive'])).toMatchObject({ status: 'unknown', failing: 0, stale: 3, inconclusive: 3 });
  });

  it('reports that the quorum is unreachable when too few locations report to confirm an outage', () => {
    expect(verdict(['passing', 'stale', 'stale'])).toMatchObject({ stale: 2, quorumReachable: false });
    expect(verdict(['passing', 'passing', 'stale'])).toMatchObject({ stale: 1, quorumReachable: true });
  });

  it('ignores states of locations the check is not assigned to', () => {
    const v = evaluateQuorum(policyFor(['us-1'], 1), [stateOf('eu-1', 'failing'), stateOf('us-1', 'passing')], NOW);
    expect(v).toMatchObject({ status: 'up', failing: 0, passing: 1, stale: 0, locations: 1 });
  });

  it('is down with a single location as soon as it is failing', () => {
    const policy = policyFor(['@controller'], 1);
    const state = recordResult(policy, initialLocationState('@controller'), 'failed', NOW);
    expect(evaluateQuorum(policy, [state], NOW).status).toBe('down');
  });

  it('recovers when enough locations pass their passing threshold that the failing count drops below the quorum', () => {
    const policy = createQuorumPolicy({ locations: LOCS, failingThreshold: 1, passingThreshold: 2, failingLocationsThreshold: 2, staleAfterMs: STALE_AFTER });
    let states = LOCS.map((l) => recordResult(policy, initialLocationState(l), 'failed', NOW));
    expect(evaluateQuorum(policy, states, NOW).status).toBe('down');
    states = [recordResult(policy, states[0], 'ok', NOW), states[1], states[2]];
    expect(evaluateQuorum(policy, states, NOW).status).toBe('down');
    states = [states[0], recordResult(policy, states[1], 'ok', NOW), states[2]];
    expect(evaluateQuorum(policy, states, NOW).status).toBe('down');
    states = [recordResult(policy, states[0], 'ok', NOW), states[1], states[2]];
    expect(evaluateQuorum(policy, states, NOW)).toMatchObject({ status: 'down', failing: 2 });
    states = [states[0], recordResult(policy, states[1], 'ok', NOW), states[2]];
    expect(evaluateQuorum(policy, states, NOW)).toMatchObject({ status: 'seems_down', failing: 1, belowQuorum: true });
  });

  it('agrees with locationStatus and the quorum rule for every combination of 3 location kinds and every count threshold', () => {
    const kinds: Kind[] = ['failing', 'suspect', 'passing', 'degraded', 'stale', 'never', 'inconclusive'];
    for (const a of kinds)
      for (const b of kinds)
        for (const c of kinds)
          for (const threshold of [1, 2, 3]) {
            const policy = policyFor(LOCS, threshold);
            const states = [stateOf('us-1', a), stateOf('eu-1', b), stateOf('ap-1', c)];
            const statuses = states.map((s) => locationStatus(policy, s, NOW));
            const n = (k: string) => statuses.filter((s) => s === k).length;
            const v = evaluateQuorum(policy, states, NOW);
            expect([v.failing, v.suspect, v.passing, v.degraded, v.stale, v.inconclusive]).toEqual([
              n('failing'),
              n('suspect'),
              n('passing') + n('degraded'),
              n('degraded'),
              n('stale') + n('inconclusive'),
              n('inconclusive'),
            ]);
            expect(v.failing + v.suspect + v.passing + v.stale).toBe(3);
            expect(v.status === 'down').toBe(v.failing >= threshold);
            expect(v.status === 'unknown').toBe(3 - v.stale < threshold);
            expect(v.status === 'up').toBe(v.failing + v.suspect === 0 && v.passing >= threshold && v.degraded < threshold);
            expect(v.status === 'degraded').toBe(v.failing + v.suspect === 0 && v.passing >= threshold && v.degraded >= threshold);
            expect(v.belowDegradedQuorum).toBe(v.degraded + v.stale < threshold);
            expect(v.quorumReachable).toBe(3 - v.stale >= threshold);
            expect(v.belowQuorum).toBe(v.failing + v.suspect + v.stale < threshold);
          }
  });

  describe('degraded', () => {
    it('is degraded when 2 of 3 locations are degraded at a 66% threshold, and says so in the counts', () => {
      expect(verdict(['degraded', 'degraded', 'passing'])).toMatchObject({ status: 'degraded', passing: 3, degraded: 2, belowDegradedQuorum: false });
    });

    it('is up when a single location of 3 is slow at a 66% threshold', () => {
      expect(verdict(['degraded', 'passing', 'passing'])).toMatchObject({ status: 'up', degraded: 1, belowDegradedQuorum: true });
    });

    it('is seems_down, not degraded, when a location failed besides the degraded quorum, and down when failures meet the quorum', () => {
      expect(verdict(['degraded', 'degraded', 'suspect']).status).toBe('seems_down');
      expect(verdict(['degraded', 'failing', 'failing']).status).toBe('down');
    });

    it('stays above the degraded quorum while a degraded location is merely silent', () => {
      expect(verdict(['degraded', 'stale', 'passing'])).toMatchObject({ status: 'up', belowDegradedQuorum: false });
    });

    it('needs failingThreshold degraded passes in a row, and loses it at the first clean pass or failure', () => {
      const policy = createQuorumPolicy({ locations: ['a'], failingThreshold: 2, passingThreshold: 1, failingLocationsThreshold: 1, staleAfterMs: STALE_AFTER });
      const once = recordResult(policy, initialLocationState('a'), 'degraded', NOW);
      expect(evaluateQuorum(policy, [once], NOW).status).toBe('up');
      const twice = recordResult(policy, once, 'degraded', NOW);
      expect(evaluateQuorum(policy, [twice], NOW)).toMatchObject({ status: 'degraded', degraded: 1 });
      expect(locationStatus(policy, twice, NOW)).toBe('degraded');
      expect(evaluateQuorum(policy, [recordResult(policy, twice, 'inconclusive', NOW)], NOW).status).toBe('unknown');
      expect(recordResult(policy, twice, 'inconclusive', NOW).degradedStrikes).toBe(2);
      expect(evaluateQuorum(policy, [recordResult(policy, twice, 'ok', NOW)], NOW).status).toBe('up');
      expect(recordResult(policy, twice, 'failed', NOW).degradedStrikes).toBe(0);
    });

    it('counts a failing location passing slowly its way back as failing, not degraded', () => {
      const policy = createQuorumPolicy({ locations: ['a'], failingThreshold: 1, passingThreshold: 3, failingLocationsThreshold: 1, staleAfterMs: STALE_AFTER });
      let s = recordResult(policy, initialLocationState('a'), 'failed', NOW);
      s = recordResult(policy, s, 'degraded', NOW);
      s = recordResult(policy, s, 'degraded', NOW);
      expect(evaluateQuorum(policy, [s], NOW)).toMatchObject({ status: 'down', degraded: 0, belowQuorum: false });
      s = recordResult(policy, s, 'degraded', NOW);
      expect(evaluateQuorum(policy, [s], NOW)).toMatchObject({ status: 'degraded', degraded: 1, belowQuorum: true });
    });
  });
});
