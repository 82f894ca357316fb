import { createQuorumPolicy, initialLocationState, recordResult, type CheckStatus, type LocationState } from '@vigil/quorum';
import { LifecycleError } from './errors';
import { decideOutage, observeOutage, type OutageObservation } from './outage';
import { foldTransition, type LifecycleContext, type Transition } from './transition';
import type { EventState } from './types';

const T0 = 1_700_000_000_000;
const ctx = (patch: Partial<LifecycleContext> = {}): LifecycleContext => ({ now: T0 + 60_000, inMaintenance: false, ...patch });
const verdict = (
  status: CheckStatus,
  belowQuorum = status === 'up' || status === 'seems_down',
  newEvidence = status === 'seems_down' || status === 'down',
): OutageObservation => ({ status, belowQuorum, newEvidence, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: status === 'down' });
const open = (type: 'seems_down' | 'down'): EventState => ({
  type,
  severity: type === 'down' ? 'high' : 'low',
  startedAt: T0,
  endedAt: null,
  resolutionReason: null,
});

describe('decideOutage without an open event', () => {
  it('opens a seems_down event of low severity at the first failed run, started now (invariant 1)', () => {
    const t = decideOutage(null, verdict('seems_down'), ctx());
    expect(t).toEqual({
      kind: 'open',
      stateBefore: null,
      stateAfter: 'seems_down',
      severityBefore: null,
      severityAfter: 'low',
      reason: 'opened',
      at: T0 + 60_000,
      event: { type: 'seems_down', severity: 'low', startedAt: T0 + 60_000, endedAt: null, resolutionReason: null },
      notification: null,
    });
  });

  it('notifies a suspected outage only when the context asks for it', () => {
    expect(decideOutage(null, verdict('seems_down'), ctx({ notifySeemsDown: true })).notification).toBe('outage_suspected');
    expect(decideOutage(null, verdict('seems_down'), ctx({ notifySeemsDown: false })).notification).toBeNull();
  });

  it('opens a down event of high severity at once when the first verdict is already confirmed, and notifies', () => {
    const t = decideOutage(null, verdict('down'), ctx());
    expect(t).toMatchObject({ kind: 'open', stateAfter: 'down', severityAfter: 'high', reason: 'opened', notification: 'outage_confirmed' });
  });

  it.each(['up', 'unknown'] as const)('does nothing when the verdict is %s', (status) => {
    expect(decideOutage(null, verdict(status), ctx())).toEqual({ kind: 'none', notification: null });
  });

  it.each(['seems_down', 'down'] as const)('opens nothing on a pass, an inconclusive result or a sweep, even when the verdict is %s', (status) => {
    expect(decideOutage(null, verdict(status, status === 'seems_down', false), ctx())).toEqual({ kind: 'none', notification: null });
  });
});

describe('decideOutage with an open seems_down event', () => {
  it('upgrades it in place to down, high severity, when the quorum confirms; started_at is preserved (invariant 2)', () => {
    const t = decideOutage(open('seems_down'), verdict('down'), ctx());
    expect(t).toMatchObject({
      kind: 'upgrade',
      stateBefore: 'seems_down',
      stateAfter: 'down',
      severityBefore: 'low',
      severityAfter: 'high',
      reason: 'confirmed',
      notification: 'outage_confirmed',
      event: { type: 'down', severity: 'high', startedAt: T0, endedAt: null, resolutionReason: null },
    });
  });

  it('closes it as a false alarm when every fresh location passes again, without notifying (invariant 3)', () => {
    const t = decideOutage(open('seems_down'), verdict('up'), ctx());
    expect(t).toMatchObject({
      kind: 'close',
      reason: 'false_alarm',
      stateBefore: 'seems_down',
      stateAfter: 'seems_down',
      notification: null,
      event: { type: 'seems_down', startedAt: T0, endedAt: T0 + 60_000, resolutionReason: 'false_alarm' },
    });
  });

  it('closes it as a false alarm without notifying even when suspected outages are notified', () => {
    expect(decideOutage(open('seems_down'), verdict('up'), ctx({ notifySeemsDown: true })).notification).toBeNull();
  });

  it('reports that opening was suppressed because one is already open while failures go on (invariant 9)', () => {
    expect(decideOutage(open('seems_down'), verdict('seems_down'), ctx())).toEqual({
      kind: 'suppress',
      why: 'already_open',
      notification: null,
    });
  });

  it('changes nothing while no location reports', () => {
    expect(decideOutage(open('seems_down'), verdict('unknown'), ctx()).kind).toBe('none');
  });
});

describe('decideOutage with an open down event', () => {
  it('closes it as recovered, and notifies, once the failing locations drop below the quorum (invariant 3)', () => {
    const t = decideOutage(open('down'), verdict('up'), ctx());
    expect(t).toMatchObject({
      kind: 'close',
      reason: 'recovered',
      notification: 'outage_recovered',
      event: { type: 'down', severity: 'high', startedAt: T0, endedAt: T0 + 60_000, resolutionReason: 'recovered' },
    });
  });

  it('closes it as recovered when one location still fails but the others have recovered below the quorum', () => {
    expect(decideOutage(open('down'), verdict('seems_down', true), ctx())).toMatchObject({ kind: 'close', reason: 'recovered' });
  });

  it('keeps it open when the failing count dropped only because locations went stale', () => {
    expect(decideOutage(open('down'), verdict('seems_down', false), ctx()).kind).toBe('suppress');
    expect(decideOutage(open('down'), verdict('up', false), ctx()).kind).toBe('none');
    expect(decideOutage(open('down'), verdict('unknown', false), ctx()).kind).toBe('none');
  });

  it('suppresses a second opening while the outage goes on', () => {
    expect(decideOutage(open('down'), verdict('down'), ctx())).toMatchObject({ kind: 'suppress', why: 'already_open' });
  });
});

describe('decideOutage in maintenance (invariant 7)', () => {
  it.each(['seems_down', 'down'] as const)('opens nothing for a %s verdict and says it was suppressed for maintenance', (status) => {
    expect(decideOutage(null, verdict(status), ctx({ inMaintenance: true }))).toEqual({
      kind: 'suppress',
      why: 'in_maintenance',
      notification: null,
    });
  });

  it.each(['up', 'unknown'] as const)('does nothing for an %s verdict', (status) => {
    expect(decideOutage(null, verdict(status), ctx({ inMaintenance: true })).kind).toBe('none');
  });

  it.each(['seems_down', 'down'] as const)('closes an open %s event with reason maintenance, without notifying', (type) => {
    for (const status of ['up', 'seems_down', 'down', 'unknown'] as const) {
      const t = decideOutage(open(type), verdict(status), ctx({ inMaintenance: true, notifySeemsDown: true }));
      expect(t).toMatchObject({ kind: 'close', reason: 'maintenance', notification: null });
    }
  });
});

describe('decideOutage guards', () => {
  it('refuses to touch a closed event: closed events are never mutated (invariant 4)', () => {
    const closed: EventState = { ...open('down'), endedAt: T0 + 1, resolutionReason: 'recovered' };
    expect(() => decideOutage(closed, verdict('down'), ctx())).toThrow(LifecycleError);
    expect(() => decideOutage(closed, verdict('down'), ctx())).toThrow(expect.objectContaining({ reason: 'event_closed' }));
  });

  it('refuses an event of another kind', () => {
    const cert: EventState = { type: 'cert_expiring', severity: 'warning', startedAt: T0, endedAt: null, resolutionReason: null };
    expect(() => decideOutage(cert, verdict('down'), ctx())).toThrow(expect.objectContaining({ reason: 'wrong_event_kind' }));
  });

  it('does not change its inputs and gives the same answer for the same inputs', () => {
    const event = Object.freeze(open('seems_down'));
    const v = Object.freeze(verdict('down'));
    const c = Object.freeze(ctx());
    expect(decideOutage(event, v, c)).toEqual(decideOutage(event, v, c));
  });
});

describe('an outage seen from three locations with a 66% quorum', () => {
  const policy = createQuorumPolicy({
    locations: ['us-1', 'eu-1', 'ap-1'],
    failingThreshold: 2,
    passingThreshold: 2,
    failingLocationsThreshold: '66%',
    staleAfterMs: 5 * 60_000,
  });
  let states: Record<string, LocationState>;
  let event: EventState | null;
  let now: number;

  beforeEach(() => {
    states = Object.fromEntries(policy.locations.map((l) => [l, initialLocationState(l)]));
    event = null;
    now = T0;
  });

  function report(location: string, ok: boolean, patch: Partial<LifecycleContext> = {}): Transition {
    now += 10_000;
    states[location] = recordResult(policy, states[location], ok ? 'ok' : 'failed', now);
    const t = decideOutage(event, observeOutage(policy, Object.values(states), now, !ok), { now, inMaintenance: false, ...patch });
    event = foldTransition(event, t);
    return t;
  }

  it('opens at the first failure, is confirmed by a second location, keeps its start, and recovers', () => {
    for (const l of policy.locations) report(l, true);
    const first = report('us-1', false);
    expect(first).toMatchObject({ kind: 'open', stateAfter: 'seems_down' });
    const startedAt = first.kind === 'open' ? first.event.startedAt : -1;
    expect(report('us-1', false)).toMatchObject({ kind: 'suppress', why: 'already_open' });
    expect(report('eu-1', false)).toMatchObject({ kind: 'suppress', why: 'already_open' });
    const confirmed = report('eu-1', false);
    expect(confirmed).toMatchObject({ kind: 'upgrade', reason: 'confirmed', notification: 'outage_confirmed' });
    expect(event).toMatchObject({ type: 'down', severity: 'high', startedAt });
    expect(report('us-1', true).kind).toBe('suppress');
    const recovered = report('us-1', true);
    expect(recovered).toMatchObject({ kind: 'close', reason: 'recovered', notification: 'outage_recovered' });
    expect(event).toBeNull();
  });

  it('closes a failure of one location as a false alarm once it passes again', () => {
    for (const l of policy.locations) report(l, true);
    report('ap-1', false);
    expect(event).toMatchObject({ type: 'seems_down' });
    for (const l of policy.locations) report(l, true);
    expect(event).toBeNull();
  });

  it('lets the same check open a new event right after one closed (invariant 12)', () => {
    for (const l of policy.locations) report(l, true);
    report('ap-1', false);
    expect(report('ap-1', true)).toMatchObject({ kind: 'close', reason: 'false_alarm' });
    expect(report('ap-1', false)).toMatchObject({ kind: 'open', stateAfter: 'seems_down', at: now });
  });

  it('opens nothing while too few locations report for the quorum: the verdict is unknown', () => {
    expect(report('ap-1', false)).toMatchObject({ kind: 'none' });
    expect(report('ap-1', false)).toMatchObject({ kind: 'none' });
    expect(event).toBeNull();
  });

  it('opens nothing while the check is in maintenance, and opens as confirmed if it is still down after', () => {
    for (const l of policy.locations) {
      expect(report(l, false, { inMaintenance: true }).kind).not.toBe('open');
      expect(report(l, false, { inMaintenance: true }).notification).toBeNull();
    }
    expect(event).toBeNull();
    expect(report('us-1', false)).toMatchObject({ kind: 'open', stateAfter: 'down', notification: 'outage_confirmed' });
  });
});

describe('a confirmed outage recovering while one location still carries its failing mark', () => {
  // Three locations, 2 confirm; one failure makes a location failing, one pass clears it.
  const policy = createQuorumPolicy({ locations: ['us-1', 'eu-1', 'ap-1'], failingThreshold: 1, passingThreshold: 1, failingLocationsThreshold: 2, staleAfterMs: 5 * 60_000 });
  let states: Record<string, LocationState>;
  let event: EventState | null;

  /** One result, `ms` after T0, through the quorum and the lifecycle as the evaluator drives them. */
  function report(location: string, ok: boolean, ms: number): Transition {
    states[location] = recordResult(policy, states[location], ok ? 'ok' : 'failed', T0 + ms);
    const t = decideOutage(event, observeOutage(policy, Object.values(states), T0 + ms, !ok), { now: T0 + ms, inMaintenance: false });
    event = foldTransition(event, t);
    return t;
  }

  beforeEach(() => {
    states = Object.fromEntries(policy.locations.map((l) => [l, initialLocationState(l)]));
    event = null;
    report('us-1', false, 0);
    report('eu-1', false, 1);
    report('ap-1', true, 2);
    expect(event).toMatchObject({ type: 'down' });
  });

  it('recovers once, and the passes of the same round open no seems_down blip after it', () => {
    expect(report('us-1', true, 60_000)).toMatchObject({ kind: 'close', reason: 'recovered' });
    // eu-1 still carries its failing mark: the verdict says seems_down, but a pass is no evidence of an outage.
    expect(report('ap-1', true, 60_001)).toEqual({ kind: 'none', notification: null });
    expect(report('eu-1', true, 60_002)).toEqual({ kind: 'none', notification: null });
    expect(event).toBeNull();
  });

  it('opens a new suspicion when the location that still fails reports another failure', () => {
    expect(report('us-1', true, 60_000)).toMatchObject({ kind: 'close', reason: 'recovered' });
    expect(report('eu-1', false, 60_001)).toMatchObject({ kind: 'open', stateAfter: 'seems_down' });
    // It lasts until that location passes: a probe later, not the same round.
    expect(report('ap-1', true, 60_002).kind).toBe('suppress');
    expect(report('eu-1', true, 120_001)).toMatchObject({ kind: 'close', reason: 'false_alarm' });
  });
});
