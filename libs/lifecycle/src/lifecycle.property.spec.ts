import {
  createQuorumPolicy,
  initialLocationState,
  recordResult,
  type LocationState,
  type QuorumPolicy,
  type QuorumVerdict,
} from '@vigil/quorum';
import { closeEvent } from './close';
import { decideOutage, decideOutageSteps, observeOutage, type OutageObservation } from './outage';
import { replayTransitions } from './replay';
import { createPrng, type Prng } from '@vigil/testing';
import { foldTransition, isMutation, type LifecycleContext, type NotificationKind, type Transition, type TransitionRecord } from './transition';
import { compareSeverity, RESOLUTION_REASONS, type EventState } from './types';

/*
 * Property-style test: seeded random sequences of per-location results, ok, degraded (slow) or
 * failed (several locations, random strike and location thresholds, slow spells, maintenance
 * toggles, locations going silent, operators closing events) go through quorum + lifecycle the way the
 * evaluator drives them, and the DESIGN invariants are checked after every step.
 * A failure names its seed and step; `runSequence(seed)` alone reproduces it.
 */

const SEQUENCES = 3000;
const INTERVAL = 60_000;

interface Tracked {
  event: EventState;
  readonly records: TransitionRecord[];
  readonly notifications: NotificationKind[];
  readonly startedAt: number;
  closedAs?: string;
}

type Counts = Record<string, number>;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function randomPolicy(rng: Prng): QuorumPolicy {
  const n = rng.int(1, 5);
  return createQuorumPolicy({
    locations: Array.from({ length: n }, (_, i) => `loc-${i}`),
    failingThreshold: rng.int(1, 4),
    passingThreshold: rng.int(1, 4),
    failingLocationsThreshold: rng.chance(0.5) ? rng.int(1, n) : `${rng.int(1, 100)}%`,
    staleAfterMs: INTERVAL * rng.int(2, 5),
  });
}

function runSequence(seed: number, counts: Counts): void {
  const rng = createPrng(seed);
  const policy = randomPolicy(rng);
  const n = policy.locations.length;
  const states: LocationState[] = policy.locations.map(initialLocationState);
  const silent: boolean[] = policy.locations.map(() => false);
  const notifySeemsDown = rng.chance(0.3);
  const pFailDuringOutage = 0.6 + rng.next() * 0.4;
  const pFailWhileHealthy = rng.next() * 0.2;
  const pSlowDuringSlowness = 0.6 + rng.next() * 0.4;
  const pSlowWhileFast = rng.next() * 0.2;
  const events: Tracked[] = [];
  let open: Tracked | null = null;
  let outage = false;
  let slow = false;
  let inMaintenance = false;
  let now = 1_700_000_000_000;
  let step = 0;

  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new Error(`seed ${seed}, step ${step}: ${what}`);
  };
  const count = (key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const steps = rng.int(20, 100);
  for (step = 0; step < steps; step++) {
    now += rng.int(1_000, INTERVAL);
    if (rng.chance(0.08)) outage = !outage;
    if (rng.chance(0.08)) slow = !slow;
    if (rng.chance(0.04)) inMaintenance = !inMaintenance;
    const at = rng.int(0, n - 1);
    if (rng.chance(0.04)) silent[at] = !silent[at];
    let failed = false;
    let degraded = false;
    if (!silent[at]) {
      failed = rng.chance(outage ? pFailDuringOutage : pFailWhileHealthy);
      degraded = !failed && rng.chance(slow ? pSlowDuringSlowness : pSlowWhileFast);
      states[at] = recordResult(policy, states[at], failed ? 'failed' : degraded ? 'degraded' : 'ok', now);
    }

    const verdict: QuorumVerdict & OutageObservation = Object.freeze(observeOutage(policy, states, now, failed, degraded));
    check(verdict.failing + verdict.suspect + verdict.passing + verdict.stale === n, 'the verdict counts every location once');
    check((verdict.status === 'down') === verdict.failing >= verdict.required, 'down exactly when the failing locations reach the quorum');
    check(verdict.required >= 1 && verdict.required <= n, 'the quorum is between 1 and the locations');

    const ctx: LifecycleContext = Object.freeze({ now, inMaintenance, notifySeemsDown });
    const before: EventState | null = open === null ? null : open.event;
    let transitions: readonly Transition[];
    if (before !== null && !inMaintenance && rng.chance(0.01)) {
      transitions = [closeEvent(before, rng.pick(['manual', 'check_disabled', 'check_deleted'] as const), ctx)];
    } else {
      transitions = decideOutageSteps(before, verdict, ctx);
      check(transitions[0] === decideOutage(before, verdict, ctx) || JSON.stringify(transitions[0]) === JSON.stringify(decideOutage(before, verdict, ctx)), 'the first step is the decision');
      check(JSON.stringify(decideOutageSteps(before, verdict, ctx)) === JSON.stringify(transitions), 'the same inputs give the same transitions');
      check(transitions.length === 1 || (transitions[0].kind === 'close' && transitions[1].kind === 'open'), 'a second step only opens after a close');
    }

    let current: EventState | null = before;
    for (const t of transitions) {
      count(t.kind === 'suppress' ? `suppress:${t.why}` : t.kind === 'none' ? 'none' : `${t.kind}:${t.reason}`);
      if (transitions.length === 2 && t.kind === 'open') count(`reopened:${t.stateAfter}`);

      // Nothing opens and nothing notifies in maintenance (invariant 7). Read-only mode (invariant 8)
      // is not a decision: the evaluation lib's read-only writer logs these transitions instead.
      if (inMaintenance) {
        check(t.kind !== 'open', 'no event opens in maintenance');
        check(t.notification === null, 'no notification in maintenance');
      }

      if (isMutation(t)) {
        check(t.at === now, 'a transition happens now');
        if (t.kind === 'open') {
          check(open === null, 'at most one open event per kind (invariant 5)');
          check(t.event.startedAt === now && t.event.endedAt === null, 'an event starts open, now');
          if (verdict.newEvidence) {
            check(t.event.type === (verdict.confirmedByFailures ? 'down' : 'seems_down'), 'an event opens as what the verdict says');
          } else {
            check(verdict.degradedEvidence && verdict.status === 'degraded' && t.event.type === 'degraded', 'only a failed result, or a degraded one under a degraded quorum, opens an event');
          }
          check(t.event.severity === { down: 'high', seems_down: 'low', degraded: 'warning' }[t.event.type as 'down'], 'seems_down is low, degraded warning, down high');
          open = { event: t.event, records: [], notifications: [], startedAt: now };
          events.push(open);
        } else {
          check(open !== null && t.event.startedAt === open.startedAt, 'only an open event changes, and started_at never moves (invariant 2)');
          if (t.kind === 'upgrade') {
            check(compareSeverity(t.severityAfter, t.severityBefore) >= 0, 'severity never falls inside an event');
            if (t.reason === 'confirmed') {
              check(t.stateBefore !== 'down' && t.stateAfter === 'down' && t.severityAfter === 'high', 'a confirmation makes the event down/high');
              check(verdict.status === 'down' && verdict.confirmedByFailures, 'only the quorum of failures confirms');
            } else if (t.reason === 'worsened') {
              check(t.stateBefore === 'degraded' && t.stateAfter === 'seems_down' && verdict.newEvidence, 'a failure turns a degraded event seems_down');
            } else {
              check(t.reason === 'eased' && t.stateBefore === 'seems_down' && t.stateAfter === 'degraded' && t.severityBefore === 'warning', 'only a suspicion that began degraded eases back');
              check(verdict.status === 'degraded' || verdict.status === 'up', 'a suspicion eases when no location fails');
            }
          } else {
            check(RESOLUTION_REASONS.includes(t.reason), 'every close has a resolution reason');
            check(t.event.endedAt === now && t.event.resolutionReason === t.reason, 'a close sets ended_at and the reason together');
            check(t.stateAfter === t.stateBefore && t.severityAfter === t.severityBefore, 'a close changes neither state nor severity');
            if (t.reason === 'false_alarm') {
              check(t.stateBefore === 'seems_down' && t.severityBefore === 'low' && (verdict.status === 'up' || verdict.status === 'degraded'), 'a false alarm is an unconfirmed event that every location passes');
            }
            if (t.reason === 'recovered') {
              check(
                t.stateBefore === 'down' ? verdict.belowQuorum : verdict.status === 'up' && verdict.belowDegradedQuorum,
                'an event recovers by passes, not by silence: below the quorum of its state even counting stale locations',
              );
            }
          }
        }
        const tracked = open as Tracked;
        tracked.records.push(t);
        if (t.notification !== null) tracked.notifications.push(t.notification);
        tracked.event = t.event;
        if (t.kind === 'close') {
          deepFreeze(t.event);
          tracked.closedAs = JSON.stringify(t.event);
        }
        check(JSON.stringify(replayTransitions(tracked.records)) === JSON.stringify(tracked.event), 'replaying the transitions rebuilds the event (invariant 10)');
      }
      current = foldTransition(current, t);
      open = current === null ? null : open;

      // Notifications.
      if (isMutation(t)) {
        if (t.notification === 'outage_confirmed') check(t.kind !== 'close' && t.event.type === 'down', 'down is notified when confirmed');
        if (t.notification === 'outage_suspected') check(notifySeemsDown && t.event.type === 'seems_down' && t.kind !== 'close', 'a suspicion is notified only on request');
        if (t.notification === 'degraded_opened') check(t.kind === 'open' && t.event.type === 'degraded', 'degraded is notified when it opens');
        if (t.notification === 'degraded_recovered') check(t.kind === 'close' && t.reason === 'recovered' && t.event.severity === 'warning', 'a degradation is notified over when it recovers');
        if (t.reason === 'false_alarm' || t.reason === 'maintenance' || t.reason === 'eased') check(t.notification === null, 'a false alarm, maintenance or easing notifies nothing');
      }
    }
    const t = transitions[transitions.length - 1];

    // Completeness: the decision did what the verdict asked, unless it had a reason not to.
    // (A pass opens nothing: a suspicion left by a recovered outage waits for its next failure.)
    if (!inMaintenance && t.kind !== 'close' && (verdict.newEvidence || before !== null)) {
      if (verdict.status === 'down' && verdict.confirmedByFailures) check(open !== null && open.event.type === 'down', 'a confirmed verdict leaves a down event open');
      if (verdict.status === 'seems_down' || verdict.status === 'down') check(open !== null, 'a failing location leaves an event open');
      if (verdict.status === 'up') {
        check(open === null || open.event.type === 'down' || (open.event.type === 'degraded' && !verdict.belowDegradedQuorum), 'all passing closes a suspicion');
      }
    }
    if (!inMaintenance && t.kind !== 'close' && verdict.status === 'degraded' && verdict.degradedEvidence) check(open !== null, 'a degraded quorum with a degraded result leaves an event open');
    if (!inMaintenance && open !== null && open.event.type === 'seems_down') check(verdict.status !== 'degraded' && verdict.status !== 'up', 'no location fails: no suspicion stays open');
    if (inMaintenance) check(open === null, 'no event stays open in maintenance');

    check(events.filter((e) => e.event.endedAt === null).length <= 1, 'at most one open event per kind (invariant 5)');
  }

  for (const e of events) {
    check(JSON.stringify(replayTransitions(e.records)) === JSON.stringify(e.event), 'every event replays to its state');
    if (e.closedAs !== undefined) {
      check(JSON.stringify(e.event) === e.closedAs, 'a closed event never changes (invariant 4)');
      check(e.event.resolutionReason !== null, 'every closed event has a reason');
      if (e.event.resolutionReason === 'false_alarm') check(!e.notifications.includes('outage_confirmed'), 'a false alarm was never notified as down');
    }
    const confirmed = e.notifications.filter((k) => k === 'outage_confirmed').length;
    const ended = e.notifications.filter((k) => k === 'outage_recovered' || k === 'outage_resolved').length;
    check(confirmed <= 1 && ended <= confirmed, 'down is notified at most once, and the end only after it');
    const slowOpened = e.notifications.filter((k) => k === 'degraded_opened').length;
    const slowEnded = e.notifications.filter((k) => k === 'degraded_recovered').length;
    check(slowOpened <= 1 && slowEnded <= slowOpened && (slowOpened === 0 || e.records[0].stateAfter === 'degraded'), 'degraded is notified at most once, as the event opens, and its end only after it');
  }
}

describe('quorum + lifecycle over random sequences', () => {
  it(`keeps every invariant after every step of ${SEQUENCES} seeded sequences`, () => {
    const counts: Counts = {};
    for (let seed = 1; seed <= SEQUENCES; seed++) runSequence(seed, counts);
    // The generator must reach every branch, or the properties above prove little.
    const keys = [
      'open:opened',
      'upgrade:confirmed',
      'upgrade:worsened',
      'upgrade:eased',
      'reopened:degraded',
      'close:recovered',
      'close:false_alarm',
      'close:maintenance',
      'close:manual',
      'suppress:already_open',
      'suppress:in_maintenance',
      'none',
    ];
    const reached = Object.fromEntries(keys.map((k) => [k, (counts[k] ?? 0) > 20]));
    expect(reached).toEqual(Object.fromEntries(keys.map((k) => [k, true])));
  });

  it('gives the same sequence for the same seed', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const draws = Array.from({ length: 5 }, () => [a.next(), a.int(1, 6), a.chance(0.5), a.pick(['x', 'y'])]);
    expect(Array.from({ length: 5 }, () => [b.next(), b.int(1, 6), b.chance(0.5), b.pick(['x', 'y'])])).toEqual(draws);
    expect(draws.every(([x, i]) => (x as number) >= 0 && (x as number) < 1 && (i as number) >= 1 && (i as number) <= 6)).toBe(true);
  });
});
