import { LifecycleError } from './errors';
import { foldTransition, closeTransition, isMutation, NO_TRANSITION, openTransition, SUPPRESSED_ALREADY_OPEN, upgradeTransition } from './transition';

describe('foldTransition', () => {
  const opened = openTransition('seems_down', 'low', 1000, null);

  it('returns the new event after an open', () => {
    expect(foldTransition(null, opened)).toEqual({ type: 'seems_down', severity: 'low', startedAt: 1000, endedAt: null, resolutionReason: null });
  });

  it('returns the changed event after an upgrade, with started_at kept', () => {
    const upgraded = upgradeTransition(opened.event, 'down', 'high', 'confirmed', 2000, 'outage_confirmed');
    expect(foldTransition(opened.event, upgraded)).toEqual({ type: 'down', severity: 'high', startedAt: 1000, endedAt: null, resolutionReason: null });
  });

  it('leaves no open event after a close', () => {
    expect(foldTransition(opened.event, closeTransition(opened.event, 'false_alarm', 2000, null))).toBeNull();
  });

  it('keeps the event as it is after suppress or none', () => {
    expect(foldTransition(opened.event, SUPPRESSED_ALREADY_OPEN)).toBe(opened.event);
    expect(foldTransition(null, NO_TRANSITION)).toBeNull();
  });

  it('refuses to open a second event of a kind while one is open', () => {
    expect(() => foldTransition(opened.event, opened)).toThrow(LifecycleError);
  });

  it('refuses a change without an open event, or computed from another state', () => {
    const close = closeTransition(opened.event, 'false_alarm', 2000, null);
    expect(() => foldTransition(null, close)).toThrow('cannot apply close (false_alarm) to an event it was not computed from');
    const down = { ...opened.event, type: 'down' as const, severity: 'high' as const };
    expect(() => foldTransition(down, close)).toThrow(LifecycleError);
  });

  it('tells mutations from the rest', () => {
    expect(isMutation(opened)).toBe(true);
    expect(isMutation(SUPPRESSED_ALREADY_OPEN)).toBe(false);
    expect(isMutation(NO_TRANSITION)).toBe(false);
  });
});
