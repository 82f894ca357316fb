import { type CanaryOutcome, type ConnectivityState, INITIAL_CONNECTIVITY, nextConnectivity, roundPassed } from './connectivity';

const controller = (ok: boolean): CanaryOutcome => ({ name: 'controller', role: 'controller', ok });
const target = (name: string, ok: boolean): CanaryOutcome => ({ name, role: 'target', ok });

/** The connectivity after each of `rounds` (true: passed), from the initial state. */
function walk(rounds: boolean[]): string[] {
  let state: ConnectivityState = INITIAL_CONNECTIVITY;
  return rounds.map((passed) => {
    state = nextConnectivity(state, passed);
    return state.connectivity;
  });
}

describe('the canary round rule', () => {
  it('fails a round without targets when the controller does not answer', () => {
    expect(roundPassed([controller(false)])).toBe(false);
    expect(roundPassed([controller(true)])).toBe(true);
  });

  it('passes a round whose controller fails while a target answers: the runner only cannot report', () => {
    expect(roundPassed([controller(false), target('https://a.test/', true)])).toBe(true);
  });

  it('fails a round whose targets all fail, even when the controller answers', () => {
    expect(roundPassed([controller(true), target('https://a.test/', false), target('b.test:53', false)])).toBe(false);
  });

  it('passes a round while any one target answers: one canary down is that canary', () => {
    expect(roundPassed([controller(true), target('https://a.test/', false), target('b.test:53', true)])).toBe(true);
  });

  it('passes a round with no canaries at all', () => {
    expect(roundPassed([])).toBe(true);
  });
});

describe('the connectivity state machine', () => {
  it('starts ok', () => {
    expect(INITIAL_CONNECTIVITY.connectivity).toBe('ok');
  });

  it('turns impaired after two failed rounds in a row, not after one', () => {
    expect(walk([false])).toEqual(['ok']);
    expect(walk([false, false])).toEqual(['ok', 'impaired']);
  });

  it('forgets a single failed round once a round passes', () => {
    expect(walk([false, true, false, true, false])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('turns ok again only after three passed rounds in a row', () => {
    expect(walk([false, false, true, true, true])).toEqual(['ok', 'impaired', 'impaired', 'impaired', 'ok']);
  });

  it('stays impaired through a network that comes and goes', () => {
    expect(walk([false, false, true, true, false, true, true, true])).toEqual([
      'ok',
      'impaired',
      'impaired',
      'impaired',
      'impaired',
      'impaired',
      'impaired',
      'ok',
    ]);
  });

  it('takes other thresholds', () => {
    const state = nextConnectivity(INITIAL_CONNECTIVITY, false, { impairedAfter: 1, okAfter: 1 });
    expect(state.connectivity).toBe('impaired');
    expect(nextConnectivity(state, true, { impairedAfter: 1, okAfter: 1 }).connectivity).toBe('ok');
  });
});
