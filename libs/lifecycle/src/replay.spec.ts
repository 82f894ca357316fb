import { closeEvent } from './close';
import { decideCertificate } from './certificate';
import { decideOutage } from './outage';
import { replayTransitions } from './replay';
import { foldTransition, isMutation, type Mutation, type Transition, type TransitionRecord } from './transition';
import type { EventState } from './types';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

function mutation(t: Transition): Mutation {
  if (!isMutation(t)) throw new Error(`expected a mutation, got ${t.kind}`);
  return t;
}

/** Runs the steps through a decision, keeping the audit rows and the event, like the evaluator would. */
function history(steps: ((event: EventState | null) => Transition)[]): { event: EventState; records: TransitionRecord[] } {
  let open: EventState | null = null;
  let last: EventState | null = null;
  const records: TransitionRecord[] = [];
  for (const step of steps) {
    const t = mutation(step(open));
    records.push(t);
    last = t.event;
    open = foldTransition(open, t);
  }
  return { event: last as EventState, records };
}

const at = (i: number) => ({ now: T0 + i * 1000, inMaintenance: false });

describe('replayTransitions (invariant 10)', () => {
  it('rebuilds a confirmed and recovered outage, state, severity and times', () => {
    const h = history([
      (e) => decideOutage(e, { status: 'seems_down', belowQuorum: true, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: false }, at(0)),
      (e) => decideOutage(e, { status: 'down', belowQuorum: false, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: true }, at(1)),
      (e) => decideOutage(e, { status: 'up', belowQuorum: true, newEvidence: false, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: false }, at(2)),
    ]);
    expect(replayTransitions(h.records)).toEqual(h.event);
    expect(h.event).toEqual({ type: 'down', severity: 'high', startedAt: T0, endedAt: T0 + 2000, resolutionReason: 'recovered' });
  });

  it('rebuilds a false alarm, a maintenance close and a manual close', () => {
    const falseAlarm = history([
      (e) => decideOutage(e, { status: 'seems_down', belowQuorum: true, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: false }, at(0)),
      (e) => decideOutage(e, { status: 'up', belowQuorum: true, newEvidence: false, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: false }, at(1)),
    ]);
    expect(replayTransitions(falseAlarm.records)).toEqual(falseAlarm.event);
    const maintenance = history([
      (e) => decideOutage(e, { status: 'down', belowQuorum: false, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: true }, at(0)),
      (e) => decideOutage(e, { status: 'down', belowQuorum: false, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: true }, { ...at(1), inMaintenance: true }),
    ]);
    expect(replayTransitions(maintenance.records)).toMatchObject({ resolutionReason: 'maintenance', endedAt: T0 + 1000 });
    const manual = history([(e) => decideOutage(e, { status: 'down', belowQuorum: false, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: true }, at(0)), (e) => closeEvent(e as EventState, 'manual', at(5))]);
    expect(replayTransitions(manual.records)).toEqual(manual.event);
  });

  it('rebuilds severity that changed inside a state', () => {
    const h = history([
      (e) => decideCertificate(e, T0 + 20 * DAY, at(0)),
      (e) => decideCertificate(e, T0 + 20 * DAY, { now: T0 + 14 * DAY, inMaintenance: false }),
    ]);
    expect(replayTransitions(h.records)).toEqual({ type: 'cert_expiring', severity: 'elevated', startedAt: T0, endedAt: null, resolutionReason: null });
  });

  it('keeps state and severity through a cause_linked row', () => {
    const h = history([(e) => decideOutage(e, { status: 'down', belowQuorum: false, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: true }, at(0))]);
    const linked: TransitionRecord = { stateBefore: 'down', stateAfter: 'down', severityBefore: 'high', severityAfter: 'high', reason: 'cause_linked', at: T0 + 1 };
    expect(replayTransitions([...h.records, linked])).toEqual(h.event);
  });

  it('rebuilds an open event from the rows so far', () => {
    const h = history([(e) => decideOutage(e, { status: 'seems_down', belowQuorum: true, newEvidence: true, degradedEvidence: false, belowDegradedQuorum: true, confirmedByFailures: false }, at(0))]);
    expect(replayTransitions(h.records)).toEqual(h.event);
  });

  describe('rejects a history this lifecycle cannot have written', () => {
    const opened: TransitionRecord = { stateBefore: null, stateAfter: 'seems_down', severityBefore: null, severityAfter: 'low', reason: 'opened', at: T0 };
    const confirmed: TransitionRecord = { stateBefore: 'seems_down', stateAfter: 'down', severityBefore: 'low', severityAfter: 'high', reason: 'confirmed', at: T0 + 1 };
    const recovered: TransitionRecord = { stateBefore: 'down', stateAfter: 'down', severityBefore: 'high', severityAfter: 'high', reason: 'recovered', at: T0 + 2 };

    it.each([
      ['no rows at all', []],
      ['a first row that does not open', [confirmed]],
      ['a first row that opens from a state', [{ ...opened, stateBefore: 'down' }]],
      ['an open event opened again', [opened, { ...opened, stateBefore: 'seems_down', severityBefore: 'low' }]],
      ['a row that starts from another state than the event is in', [opened, recovered]],
      ['a row that starts from another severity', [opened, { ...confirmed, severityBefore: 'high' }]],
      ['anything after a close', [opened, confirmed, recovered, { ...recovered, at: T0 + 3 }]],
      ['a close that changes the state', [opened, confirmed, { ...recovered, stateAfter: 'seems_down' }]],
      ['an unknown reason', [opened, { ...confirmed, reason: 'shrug' }]],
      ['an unknown state', [{ ...opened, stateAfter: 'sideways' }]],
      ['an unknown severity', [{ ...opened, severityAfter: 'meh' }]],
      ['a time that is not a number', [{ ...opened, at: Number.NaN }]],
    ] as [string, TransitionRecord[]][])('%s', (_, records) => {
      expect(() => replayTransitions(records)).toThrow(expect.objectContaining({ name: 'LifecycleError', reason: 'invalid_history' }));
    });
  });
});
