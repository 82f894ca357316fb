import { LifecycleError } from './errors';
import { decideSloBurn, retireSloBurn } from './slo';
import { foldTransition } from './transition';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('decideSloBurn', () => {
  it('opens slo_burn at the rule’s severity when the budget burns, and notifies', () => {
    expect(decideSloBurn(null, 'elevated', { now: NOW })).toMatchObject({
      kind: 'open',
      stateAfter: 'slo_burn',
      severityAfter: 'elevated',
      reason: 'opened',
      at: NOW,
      notification: 'slo_burn',
    });
    expect(decideSloBurn(null, 'warning', { now: NOW })).toMatchObject({ kind: 'open', severityAfter: 'warning' });
  });

  it('does nothing while nothing burns', () => {
    expect(decideSloBurn(null, null, { now: NOW }).kind).toBe('none');
  });

  it('closes it as recovered when the burn slows, and notifies slo_burn_ended', () => {
    const open = foldTransition(null, decideSloBurn(null, 'warning', { now: NOW }));
    const t = decideSloBurn(open, null, { now: NOW + 60_000 });
    expect(t).toMatchObject({ kind: 'close', reason: 'recovered', at: NOW + 60_000, notification: 'slo_burn_ended' });
    expect(foldTransition(open, t)).toBeNull();
  });

  it('raises a slow burn to elevated in place, without a second notification, and never lowers it', () => {
    const open = foldTransition(null, decideSloBurn(null, 'warning', { now: NOW }));
    const t = decideSloBurn(open, 'elevated', { now: NOW + 1 });
    expect(t).toMatchObject({ kind: 'upgrade', reason: 'severity_changed', severityBefore: 'warning', severityAfter: 'elevated', notification: null });
    const raised = foldTransition(open, t);
    expect(raised).toMatchObject({ type: 'slo_burn', severity: 'elevated', startedAt: NOW });
    expect(decideSloBurn(raised, 'warning', { now: NOW + 2 }).kind).toBe('none');
    expect(decideSloBurn(raised, 'elevated', { now: NOW + 2 }).kind).toBe('none');
  });

  it('refuses an event of another kind or a closed one', () => {
    const outage = { type: 'down' as const, severity: 'high' as const, startedAt: NOW, endedAt: null, resolutionReason: null };
    expect(() => decideSloBurn(outage, null, { now: NOW })).toThrow(LifecycleError);
    const closed = { type: 'slo_burn' as const, severity: 'warning' as const, startedAt: NOW, endedAt: NOW + 1, resolutionReason: 'recovered' as const };
    expect(() => decideSloBurn(closed, 'warning', { now: NOW + 2 })).toThrow(LifecycleError);
  });

  it('retires an open burn as manual when the site loses its objective, and still notifies its end', () => {
    const open = foldTransition(null, decideSloBurn(null, 'warning', { now: NOW }));
    expect(open).not.toBeNull();
    if (open === null) return;
    expect(retireSloBurn(open, { now: NOW + 5 })).toMatchObject({ kind: 'close', reason: 'manual', notification: 'slo_burn_ended' });
    const outage = { type: 'down' as const, severity: 'high' as const, startedAt: NOW, endedAt: null, resolutionReason: null };
    expect(() => retireSloBurn(outage, { now: NOW })).toThrow(LifecycleError);
  });
});
