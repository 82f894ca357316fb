import {
  BEHIND_TOLERANCE,
  initialKeepUp,
  type KeepUpBounds,
  type KeepUpState,
  type KeepUpWindow,
  lateThresholdMs,
  loadHeaderValue,
  missedRuns,
  nextKeepUp,
} from './keep-up';

const bounds: KeepUpBounds = { min: 100, max: 1000 };
const window = (overrides: Partial<KeepUpWindow> = {}): KeepUpWindow => ({ started: 1000, late: 0, expired: 0, peakInFlight: 60, ...overrides });

describe('keeping up', () => {
  it('starts at the configured concurrency, on time', () => {
    expect(initialKeepUp(bounds)).toEqual({ concurrency: 100, behind: false });
  });

  it('doubles when runs start late while every slot is taken, and says it fell behind once', () => {
    const first = nextKeepUp(initialKeepUp(bounds), window({ late: 40, peakInFlight: 100 }), bounds);
    expect(first).toEqual({ state: { concurrency: 200, behind: true }, event: { kind: 'fell_behind', missed: 40, from: 100, to: 200 } });
    const second = nextKeepUp(first.state, window({ late: 5, expired: 20, peakInFlight: 200 }), bounds);
    expect(second).toEqual({ state: { concurrency: 400, behind: true }, event: { kind: 'raised', missed: 25, from: 200, to: 400 } });
  });

  it('stops at the bound, and stays behind there without a new event', () => {
    const state: KeepUpState = { concurrency: 800, behind: true };
    const atBound = nextKeepUp(state, window({ late: 50, peakInFlight: 800 }), bounds);
    expect(atBound.state).toEqual({ concurrency: 1000, behind: true });
    expect(nextKeepUp(atBound.state, window({ late: 50, peakInFlight: 1000 }), bounds)).toEqual({ state: { concurrency: 1000, behind: true } });
  });

  it('says it is behind but keeps its concurrency when the slots were not full: more would not help', () => {
    expect(nextKeepUp(initialKeepUp(bounds), window({ expired: 30, peakInFlight: 40 }), bounds)).toEqual({
      state: { concurrency: 100, behind: true },
      event: { kind: 'fell_behind', missed: 30, from: 100, to: 100 },
    });
  });

  it('takes a few late runs among many for noise', () => {
    const tolerated = Math.floor(1000 * BEHIND_TOLERANCE);
    expect(missedRuns(window({ late: tolerated }))).toBe(0);
    expect(missedRuns(window({ late: tolerated + 1 }))).toBe(tolerated + 1);
    expect(missedRuns(window({ started: 0, expired: 1 }))).toBe(1);
  });

  it('catches up after a window with nothing late, then comes down a quarter of the floor a window while idle', () => {
    const caughtUp = nextKeepUp({ concurrency: 400, behind: true }, window({ peakInFlight: 10 }), bounds);
    expect(caughtUp).toEqual({ state: { concurrency: 400, behind: false }, event: { kind: 'caught_up', concurrency: 400 } });
    const lowered = nextKeepUp(caughtUp.state, window({ peakInFlight: 10 }), bounds);
    expect(lowered).toEqual({ state: { concurrency: 375, behind: false }, event: { kind: 'lowered', from: 400, to: 375 } });
  });

  it('keeps a concurrency whose slots are busy', () => {
    expect(nextKeepUp({ concurrency: 400, behind: false }, window({ peakInFlight: 201 }), bounds)).toEqual({ state: { concurrency: 400, behind: false } });
  });

  it('judges lateness beyond a second plus what the lookahead cannot cover', () => {
    expect(lateThresholdMs(1000, 1200)).toBe(1000);
    expect(lateThresholdMs(30_000, 5000)).toBe(26_000);
  });

  it('sums itself up for the Vigil-Load header', () => {
    expect(loadHeaderValue({ concurrency: 200, behind: true })).toBe('behind; concurrency=200');
    expect(loadHeaderValue({ concurrency: 100, behind: false })).toBe('ok; concurrency=100');
  });

  describe('over every small case', () => {
    const boundsList: KeepUpBounds[] = [
      { min: 1, max: 1 },
      { min: 1, max: 7 },
      { min: 4, max: 4 },
      { min: 3, max: 50 },
      { min: 100, max: 1000 },
    ];
    const counts = [0, 1, 2, 10, 500];

    it('stays within its bounds, moves the right way, and names every change of episode', () => {
      let cases = 0;
      const failures: string[] = [];
      for (const b of boundsList) {
        const concurrencies = [...new Set([b.min, b.min + 1, Math.floor((b.min + b.max) / 2), b.max - 1, b.max])].filter((c) => c >= b.min && c <= b.max);
        for (const concurrency of concurrencies) {
          for (const behind of [false, true]) {
            for (const started of counts) {
              for (const late of counts) {
                for (const expired of counts) {
                  for (const peakInFlight of [0, 1, Math.floor(concurrency / 2), concurrency - 1, concurrency]) {
                    const w = { started, late, expired, peakInFlight };
                    const { state, event } = nextKeepUp({ concurrency, behind }, w, b);
                    cases++;
                    const missed = missedRuns(w);
                    const raisedTo = peakInFlight >= concurrency ? Math.min(b.max, concurrency * 2) : concurrency;
                    const broken = [
                      state.concurrency >= b.min && state.concurrency <= b.max ? '' : 'out of bounds',
                      state.behind === missed > 0 ? '' : 'behind flag',
                      missed === 0 || state.concurrency === raisedTo ? '' : 'raise',
                      missed > 0 || state.concurrency <= concurrency ? '' : 'raised while on time',
                      // Down only while idle, and never in the window that ends an episode.
                      state.concurrency >= concurrency || (!behind && peakInFlight <= concurrency / 2) ? '' : 'lowered while busy',
                      (event?.kind === 'fell_behind') === (!behind && missed > 0) ? '' : 'fell_behind event',
                      (event?.kind === 'caught_up') === (behind && missed === 0) ? '' : 'caught_up event',
                      // Every change of concurrency is told.
                      state.concurrency === concurrency || event !== undefined ? '' : 'untold change',
                      event === undefined || !('to' in event) || event.to === state.concurrency ? '' : 'event.to',
                    ].filter(Boolean);
                    if (broken.length > 0) failures.push(`${JSON.stringify({ b, concurrency, behind, w })}: ${broken.join(', ')}`);
                  }
                }
              }
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect(cases).toBeGreaterThan(10_000);
    });

    it('reaches its bound within log2(max / min) + 1 windows behind, and its floor again once idle', () => {
      for (const b of boundsList) {
        let state = initialKeepUp(b);
        for (let i = 0; i <= Math.ceil(Math.log2(b.max / b.min)); i++) state = nextKeepUp(state, window({ late: 100, peakInFlight: state.concurrency }), b).state;
        expect(state).toEqual({ concurrency: b.max, behind: true });
        const step = Math.max(1, Math.ceil(b.min / 4));
        for (let i = 0; i <= 1 + Math.ceil((b.max - b.min) / step); i++) state = nextKeepUp(state, window({ peakInFlight: 0 }), b).state;
        expect(state).toEqual({ concurrency: b.min, behind: false });
      }
    });
  });
});
