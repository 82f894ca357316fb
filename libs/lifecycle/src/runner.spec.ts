import { LifecycleError } from './errors';
import { decideRunner } from './runner';
import { foldTransition } from './transition';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('decideRunner', () => {
  it('opens runner_offline (warning) when the runner goes silent, and notifies', () => {
    const t = decideRunner(null, true, { now: NOW });
    expect(t).toMatchObject({ kind: 'open', stateAfter: 'runner_offline', severityAfter: 'warning', reason: 'opened', at: NOW, notification: 'runner_offline' });
  });

  it('closes it as recovered when the runner reports again, and notifies', () => {
    const open = foldTransition(null, decideRunner(null, true, { now: NOW }));
    const t = decideRunner(open, false, { now: NOW + 60_000 });
    expect(t).toMatchObject({ kind: 'close', reason: 'recovered', at: NOW + 60_000, notification: 'runner_recovered' });
    expect(foldTransition(open, t)).toBeNull();
  });

  it('changes nothing while a silent runner stays silent or a reporting one keeps reporting', () => {
    const open = foldTransition(null, decideRunner(null, true, { now: NOW }));
    expect(decideRunner(open, true, { now: NOW + 1 }).kind).toBe('none');
    expect(decideRunner(null, false, { now: NOW }).kind).toBe('none');
  });

  it('refuses an event of another kind or a closed one', () => {
    const outage = { type: 'down' as const, severity: 'high' as const, startedAt: NOW, endedAt: null, resolutionReason: null };
    expect(() => decideRunner(outage, false, { now: NOW })).toThrow(LifecycleError);
    const closed = { type: 'runner_offline' as const, severity: 'warning' as const, startedAt: NOW, endedAt: NOW + 1, resolutionReason: 'recovered' as const };
    expect(() => decideRunner(closed, false, { now: NOW + 2 })).toThrow(LifecycleError);
  });
});
