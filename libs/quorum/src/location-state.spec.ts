import { initialLocationState, isFresh, locationStatus, outcomeOf, recordResult, type LocationState, type ResultOutcome } from './location-state';
import { createQuorumPolicy } from './policy';

const policy = createQuorumPolicy({
  locations: ['us-1'],
  failingThreshold: 3,
  passingThreshold: 2,
  failingLocationsThreshold: 1,
  staleAfterMs: 1000,
});

function run(results: readonly boolean[], start = initialLocationState('us-1')): LocationState {
  return results.reduce((state, ok, i) => recordResult(policy, state, ok ? 'ok' : 'failed', 100 + i), start);
}

describe('location strikes', () => {
  it('starts with no strikes, not failing, never reported', () => {
    expect(initialLocationState('eu-1')).toEqual({ location: 'eu-1', failingStrikes: 0, passingStrikes: 0, failing: false, lastResultAt: null, inconclusive: false, degradedStrikes: 0 });
  });

  it('adds a failing strike and resets the passing strikes on a failure', () => {
    const state = run([true, true, false]);
    expect(state).toMatchObject({ failingStrikes: 1, passingStrikes: 0 });
  });

  it('adds a passing strike and resets the failing strikes on a pass', () => {
    const state = run([false, false, true]);
    expect(state).toMatchObject({ failingStrikes: 0, passingStrikes: 1 });
  });

  it('is not failing below the failing threshold', () => {
    expect(run([false, false]).failing).toBe(false);
  });

  it('is failing once the failing strikes reach the failing threshold', () => {
    expect(run([false, false, false]).failing).toBe(true);
  });

  it('keeps counting strikes past the threshold', () => {
    expect(run([false, false, false, false, false]).failingStrikes).toBe(5);
  });

  it('does not become failing from failures that a pass interrupted', () => {
    expect(run([false, false, true, false, false]).failing).toBe(false);
  });

  it('stays failing after passes below the passing threshold', () => {
    expect(run([false, false, false, true]).failing).toBe(true);
  });

  it('recovers once the passing strikes reach the passing threshold', () => {
    expect(run([false, false, false, true, true]).failing).toBe(false);
  });

  it('needs the passing strikes in a row to recover', () => {
    expect(run([false, false, false, true, false, true]).failing).toBe(true);
  });

  it('records when the latest result was checked', () => {
    expect(run([true, false]).lastResultAt).toBe(101);
  });

  it('never moves the last result time backwards for a result that arrives late', () => {
    const state = recordResult(policy, recordResult(policy, initialLocationState('us-1'), 'ok', 500), 'failed', 400);
    expect(state.lastResultAt).toBe(500);
    expect(state.failingStrikes).toBe(1);
  });

  it('returns a new state and leaves the given one unchanged', () => {
    const before = Object.freeze(run([false]));
    const after = recordResult(policy, before, 'failed', 1_000);
    expect(after).not.toBe(before);
    expect(before.failingStrikes).toBe(1);
  });
});

describe('inconclusive results', () => {
  const record = (state: LocationState, outcome: ResultOutcome, at: number) => recordResult(policy, state, outcome, at);

  it('reads the outcome of a stored result', () => {
    expect(outcomeOf({ ok: true })).toBe('ok');
    expect(outcomeOf({ ok: false })).toBe('failed');
    expect(outcomeOf({ ok: false, inconclusive: false })).toBe('failed');
    expect(outcomeOf({ ok: false, inconclusive: true })).toBe('inconclusive');
    expect(outcomeOf({ ok: true, degraded: true })).toBe('degraded');
    expect(outcomeOf({ ok: true, degraded: false, inconclusive: false })).toBe('ok');
  });

  it('moves no strike, failing or passing, and keeps the sticky flag', () => {
    for (const before of [run([false, false]), run([true, true]), run([false, false, false, true])]) {
      const after = record(before, 'inconclusive', 1_000);
      expect(after).toEqual({ ...before, lastResultAt: 1_000, inconclusive: true });
    }
  });

  it('marks the location inconclusive until its next conclusive result, of either outcome', () => {
    const marked = record(run([true]), 'inconclusive', 1_000);
    expect(record(marked, 'inconclusive', 1_100).inconclusive).toBe(true);
    expect(record(marked, 'ok', 1_200)).toMatchObject({ inconclusive: false, passingStrikes: 2 });
    expect(record(marked, 'failed', 1_200)).toMatchObject({ inconclusive: false, failingStrikes: 1, passingStrikes: 0 });
  });

  it('follows the newest result only: a late result neither marks nor clears it', () => {
    const conclusive = record(initialLocationState('us-1'), 'ok', 500);
    expect(record(conclusive, 'inconclusive', 400)).toEqual(conclusive);
    const marked = record(conclusive, 'inconclusive', 600);
    expect(record(marked, 'failed', 550)).toMatchObject({ inconclusive: true, failingStrikes: 1, lastResultAt: 600 });
  });

  it('is neither fresh nor counted while inconclusive, however recent', () => {
    const marked = record(run([false, false, false]), 'inconclusive', 10_000);
    expect(isFresh(policy, marked, 10_000)).toBe(false);
    expect(locationStatus(policy, marked, 10_000)).toBe('inconclusive');
  });
});

describe('location status', () => {
  const at = 10_000;
  const state = (patch: Partial<LocationState>): LocationState => ({ ...initialLocationState('us-1'), lastResultAt: at, ...patch });

  it('is stale when the location never reported', () => {
    expect(locationStatus(policy, initialLocationState('us-1'), at)).toBe('stale');
  });

  it('is stale when the last result is older than the staleness window, even if failing', () => {
    expect(locationStatus(policy, state({ failing: true, failingStrikes: 9, lastResultAt: at - 1001 }), at)).toBe('stale');
  });

  it('is still fresh exactly at the edge of the staleness window', () => {
    expect(isFresh(policy, state({ lastResultAt: at - 1000 }), at)).toBe(true);
    expect(isFresh(policy, state({ lastResultAt: at - 1001 }), at)).toBe(false);
  });

  it('is failing when the sticky flag is set, even while recovering', () => {
    expect(locationStatus(policy, state({ failing: true, passingStrikes: 1 }), at)).toBe('failing');
  });

  it('is suspect when its last result failed below the failing threshold', () => {
    expect(locationStatus(policy, state({ failingStrikes: 1 }), at)).toBe('suspect');
  });

  it('is passing when its last result passed and it is not failing', () => {
    expect(locationStatus(policy, state({ passingStrikes: 4 }), at)).toBe('passing');
  });
});
