import { toLocationState, toStrikeColumns } from './location-row';

const row = { failingStrikes: 2, passingStrikes: 0, resolved: false, lastResultAt: new Date(10_000), lastOk: false, lastInconclusive: false, degradedStrikes: 0 };

describe('location_states mapping', () => {
  it('reads resolved = false as failing, last_inconclusive as inconclusive, and times as epoch milliseconds', () => {
    expect(toLocationState('eu-1', row)).toEqual({ location: 'eu-1', failingStrikes: 2, passingStrikes: 0, failing: true, lastResultAt: 10_000, inconclusive: false, degradedStrikes: 0 });
    expect(toLocationState('eu-1', { ...row, resolved: true, lastResultAt: null }).failing).toBe(false);
    expect(toLocationState('eu-1', { ...row, lastInconclusive: true }).inconclusive).toBe(true);
  });

  it('writes failing back as resolved = !failing', () => {
    const state = { location: 'eu-1', failingStrikes: 0, passingStrikes: 1, failing: false, lastResultAt: 20_000, inconclusive: false, degradedStrikes: 0 };
    expect(toStrikeColumns(state, row, 'ok', 20_000)).toEqual({
      failingStrikes: 0,
      passingStrikes: 1,
      resolved: true,
      lastResultAt: new Date(20_000),
      lastOk: true,
      lastInconclusive: false,
      degradedStrikes: 0,
    });
  });

  it('writes an inconclusive newest result as last_ok = false, last_inconclusive = true', () => {
    const state = { location: 'eu-1', failingStrikes: 2, passingStrikes: 0, failing: true, lastResultAt: 20_000, inconclusive: true, degradedStrikes: 0 };
    expect(toStrikeColumns(state, { ...row, lastOk: true }, 'inconclusive', 20_000)).toMatchObject({ lastOk: false, lastInconclusive: true, failingStrikes: 2 });
  });

  it('keeps last_ok of the newest result when an older result arrives late', () => {
    const state = { location: 'eu-1', failingStrikes: 0, passingStrikes: 1, failing: true, lastResultAt: 10_000, inconclusive: false, degradedStrikes: 0 };
    expect(toStrikeColumns(state, row, 'ok', 5_000)).toMatchObject({ lastOk: false, lastResultAt: new Date(10_000), resolved: false });
  });
});
