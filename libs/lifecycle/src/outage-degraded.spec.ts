import { createQuorumPolicy, initialLocationState, recordResult, type CheckStatus, type LocationState, type ResultOutcome } from '@vigil/quorum';
import { decideOutage, decideOutageSteps, observeOutage, type OutageObservation } from './outage';
import { replayTransitions } from './replay';
import { foldTransition, isMutation, type LifecycleContext, type Transition, type TransitionRecord } from './transition';
import type { EventSeverity, EventState, EventType } from './types';

const T0 = 1_700_000_000_000;
const ctx = (patch: Partial<LifecycleContext> = {}): LifecycleContext => ({ now: T0 + 60_000, inMaintenance: false, ...patch });

/** An observation: `evidence` is what the result in hand was. */
function seen(status: CheckStatus, evidence: 'failed' | 'degraded' | 'ok', patch: Partial<OutageObservation> = {}): OutageObservation {
  return {
    status,
    belowQuorum: status !== 'down',
    belowDegradedQuorum: status !== 'degraded',
    newEvidence: evidence === 'failed',
    degradedEvidence: evidence === 'degraded',
    confirmedByFailures: status === 'down',
    ...patch,
  };
}
const open = (type: EventType, severity: EventSeverity): EventState => ({ type, severity, startedAt: T0, endedAt: null, resolutionReason: null });

describe('decideOutage and the degraded state', () => {
  it('opens a degraded event (warning) on a degraded pass when the quorum says degraded, and notifies', () => {
    expect(decideOutage(null, seen('degraded', 'degraded'), ctx())).toMatchObject({
      kind: 'open',
      stateAfter: 'degraded',
      severityAfter: 'warning',
      reason: 'opened',
      notification: 'degraded_opened',
      event: { type: 'degraded', severity: 'warning', startedAt: T0 + 60_000 },
    });
  });

  it('opens nothing on a clean pass while the quorum still says degraded, nor on a degraded pass below the quorum', () => {
    expect(decideOutage(null, seen('degraded', 'ok'), ctx())).toEqual({ kind: 'none', notification: null });
    expect(decideOutage(null, seen('up', 'degraded'), ctx())).toEqual({ kind: 'none', notification: null });
    expect(decideOutage(null, seen('unknown', 'degraded'), ctx())).toEqual({ kind: 'none', notification: null });
  });

  it('suppresses a degraded opening in maintenance and closes an open degraded event there, silently', () => {
    expect(decideOutage(null, seen('degraded', 'degraded'), ctx({ inMaintenance: true }))).toMatchObject({ kind: 'suppress', why: 'in_maintenance' });
    expect(decideOutage(open('degraded', 'warning'), seen('degraded', 'degraded'), ctx({ inMaintenance: true }))).toMatchObject({
      kind: 'close',
      reason: 'maintenance',
      notification: null,
    });
  });

  it('keeps an open degraded event while the quorum stays degraded', () => {
    expect(decideOutage(open('degraded', 'warning'), seen('degraded', 'degraded'), ctx())).toMatchObject({ kind: 'suppress', why: 'already_open' });
    expect(decideOutage(open('degraded', 'warning'), seen('unknown', 'ok'), ctx()).kind).toBe('none');
  });

  it('upgrades a degraded event in place to down when the quorum confirms, started_at kept', () => {
    const t = decideOutage(open('degraded', 'warning'), seen('down', 'failed'), ctx());
    expect(t).toMatchObject({
      kind: 'upgrade',
      stateBefore: 'degraded',
      stateAfter: 'down',
      severityBefore: 'warning',
      severityAfter: 'high',
      reason: 'confirmed',
      notification: 'outage_confirmed',
      event: { type: 'down', startedAt: T0 },
    });
  });

  it('upgrades a degraded event in place to seems_down on a failure short of the quorum, keeping its warning severity', () => {
    const t = decideOutage(open('degraded', 'warning'), seen('seems_down', 'failed'), ctx());
    expect(t).toMatchObject({ kind: 'upgrade', stateAfter: 'seems_down', severityAfter: 'warning', reason: 'worsened', notification: null, event: { startedAt: T0 } });
    expect(decideOutage(open('degraded', 'warning'), seen('seems_down', 'failed'), ctx({ notifySeemsDown: true })).notification).toBe('outage_suspected');
    // Not on a pass: a location still suspect from before is no new failure.
    expect(decideOutage(open('degraded', 'warning'), seen('seems_down', 'ok'), ctx()).kind).toBe('none');
  });

  it('closes a degraded event as recovered with degraded_recovered once clean passes break the degraded quorum', () => {
    expect(decideOutage(open('degraded', 'warning'), seen('up', 'ok'), ctx())).toMatchObject({
      kind: 'close',
      reason: 'recovered',
      notification: 'degraded_recovered',
      event: { type: 'degraded', endedAt: T0 + 60_000, resolutionReason: 'recovered' },
    });
  });

  it('does not close a degraded event while degraded locations are merely silent', () => {
    expect(decideOutage(open('degraded', 'warning'), seen('up', 'ok', { belowDegradedQuorum: false }), ctx()).kind).toBe('none');
  });

  it('eases a suspicion that began degraded back to degraded, silently, when the failure passes but the slowness stays', () => {
    const t = decideOutage(open('seems_down', 'warning'), seen('degraded', 'degraded'), ctx());
    expect(t).toMatchObject({ kind: 'upgrade', stateBefore: 'seems_down', stateAfter: 'degraded', severityAfter: 'warning', reason: 'eased', notification: null });
    expect(decideOutage(open('seems_down', 'warning'), seen('up', 'ok', { belowDegradedQuorum: false }), ctx())).toMatchObject({ reason: 'eased' });
  });

  it('closes a suspicion that began degraded as recovered, telling those who heard of the degradation, when all is fast again', () => {
    expect(decideOutage(open('seems_down', 'warning'), seen('up', 'ok'), ctx())).toMatchObject({ kind: 'close', reason: 'recovered', notification: 'degraded_recovered' });
  });

  it('closes a plain suspicion as a false alarm when the verdict turns degraded, then opens a degraded event for the same result', () => {
    const steps = decideOutageSteps(open('seems_down', 'low'), seen('degraded', 'degraded'), ctx());
    expect(steps).toMatchObject([
      { kind: 'close', reason: 'false_alarm', notification: null },
      { kind: 'open', stateAfter: 'degraded', notification: 'degraded_opened' },
    ]);
  });

  it('closes a down event recovering to slow as recovered, then opens a new degraded event', () => {
    const steps = decideOutageSteps(open('down', 'high'), seen('degraded', 'degraded'), ctx());
    expect(steps).toMatchObject([
      { kind: 'close', reason: 'recovered', notification: 'outage_recovered', event: { type: 'down' } },
      { kind: 'open', stateAfter: 'degraded', notification: 'degraded_opened', event: { startedAt: T0 + 60_000 } },
    ]);
  });

  it('opens nothing after a close that is no recovery to slow: maintenance, a recovery to fast, a clean pass', () => {
    expect(decideOutageSteps(open('down', 'high'), seen('degraded', 'degraded'), ctx({ inMaintenance: true }))).toHaveLength(1);
    expect(decideOutageSteps(open('down', 'high'), seen('up', 'ok'), ctx())).toHaveLength(1);
    expect(decideOutageSteps(open('down', 'high'), seen('degraded', 'ok'), ctx())).toHaveLength(1);
    expect(decideOutageSteps(open('degraded', 'warning'), seen('degraded', 'degraded'), ctx())).toMatchObject([{ kind: 'suppress' }]);
  });
});

describe('a degraded check seen from three locations with a 66% quorum', () => {
  const policy = createQuorumPolicy({ locations: ['us-1', 'eu-1', 'ap-1'], failingThreshold: 2, passingThreshold: 2, failingLocationsThreshold: '66%', staleAfterMs: 5 * 60_000 });
  let states: Record<string, LocationState>;
  let event: EventState | null;
  let records: TransitionRecord[][];
  let now: number;

  beforeEach(() => {
    states = Object.fromEntries(policy.locations.map((l) => [l, initialLocationState(l)]));
    event = null;
    records = [];
    now = T0;
  });

  function report(location: string, outcome: ResultOutcome): Transition[] {
    now += 10_000;
    states[location] = recordResult(policy, states[location], outcome, now);
    const observed = observeOutage(policy, Object.values(states), now, outcome === 'failed', outcome === 'degraded');
    const steps = [...decideOutageSteps(event, observed, { now, inMaintenance: false })];
    for (const t of steps) {
      if (isMutation(t)) {
        if (t.kind === 'open') records.push([]);
        records[records.length - 1].push(t);
      }
      event = foldTransition(event, t);
    }
    return steps;
  }
  const round = (outcomes: readonly ResultOutcome[]) => policy.locations.flatMap((l, i) => report(l, outcomes[i]));

  it('does not open degraded for one slow location of three', () => {
    round(['ok', 'ok', 'ok']);
    for (let i = 0; i < 5; i++) round(['degraded', 'ok', 'ok']);
    expect(records).toEqual([]);
  });

  it('opens degraded once two locations are slow twice in a row, with one notification, and recovers once', () => {
    round(['ok', 'ok', 'ok']);
    round(['degraded', 'degraded', 'ok']);
    expect(event).toBeNull();
    const opened = round(['degraded', 'degraded', 'ok']).filter(isMutation);
    expect(opened).toMatchObject([{ kind: 'open', stateAfter: 'degraded', notification: 'degraded_opened' }]);
    round(['degraded', 'degraded', 'degraded']);
    const closed = round(['ok', 'ok', 'ok']).filter(isMutation);
    expect(closed).toMatchObject([{ kind: 'close', reason: 'recovered', notification: 'degraded_recovered' }]);
    expect(records).toHaveLength(1);
    expect(replayTransitions(records[0])).toMatchObject({ type: 'degraded', resolutionReason: 'recovered' });
  });

  it('upgrades the degraded event in place through seems_down to down, then recovers to slow as a new degraded event', () => {
    round(['ok', 'ok', 'ok']);
    round(['degraded', 'degraded', 'ok']);
    round(['degraded', 'degraded', 'ok']);
    expect(event).toMatchObject({ type: 'degraded' });
    const startedAt = event?.startedAt;
    expect(report('us-1', 'failed')).toMatchObject([{ kind: 'upgrade', stateAfter: 'seems_down', reason: 'worsened' }]);
    report('eu-1', 'failed');
    report('us-1', 'failed');
    expect(report('eu-1', 'failed')).toMatchObject([{ kind: 'upgrade', stateAfter: 'down', reason: 'confirmed', notification: 'outage_confirmed' }]);
    expect(event).toMatchObject({ type: 'down', severity: 'high', startedAt });
    round(['degraded', 'degraded', 'ok']);
    const back = round(['degraded', 'degraded', 'ok']).filter(isMutation);
    expect(back).toMatchObject([
      { kind: 'close', reason: 'recovered', notification: 'outage_recovered' },
      { kind: 'open', stateAfter: 'degraded', notification: 'degraded_opened' },
    ]);
    expect(records).toHaveLength(2);
    expect(replayTransitions(records[0])).toMatchObject({ type: 'down', startedAt, resolutionReason: 'recovered' });
    expect(replayTransitions(records[1])).toEqual(event);
  });
});
