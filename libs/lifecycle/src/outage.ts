import { evaluateQuorum, type LocationState, type QuorumPolicy, type QuorumVerdict } from '@vigil/quorum';
import { LifecycleError } from './errors';
import {
  assertOpen,
  closeTransition,
  NO_TRANSITION,
  openTransition,
  SUPPRESSED_ALREADY_OPEN,
  SUPPRESSED_IN_MAINTENANCE,
  upgradeTransition,
  type LifecycleContext,
  type Transition,
} from './transition';
import { compareSeverity, type EventState, type EventType } from './types';

/** The part of a quorum verdict the outage lifecycle reads, and what the result in hand said. */
export type OutageObservation = Pick<QuorumVerdict, 'status' | 'belowQuorum' | 'belowDegradedQuorum'> & {
  /**
   * The result just counted was a conclusive failure: new evidence. Only that opens an outage: a
   * pass, an inconclusive result or a sweep never does, even while a location still carries the
   * failing mark of an outage that just recovered (which opened a `seems_down` the next pass
   * closed as `false_alarm` at once), or when a pass makes the quorum reachable again after
   * `unknown` (the failure counted before it opens the outage at its location's next failure).
   */
  readonly newEvidence: boolean;
  /**
   * The result just counted was a degraded pass. Only that opens a degraded event, for the same
   * reason: a clean pass while other locations are still degraded is no news of slowness.
   */
  readonly degradedEvidence: boolean;
  /**
   * The quorum is met by locations whose latest result failed, not only by locations still marked
   * failing while they pass their way back (the passing threshold). Only that confirms an outage:
   * a mark about to clear would confirm it for the few milliseconds until its pass is counted.
   */
  readonly confirmedByFailures: boolean;
};

/**
 * What the outage lifecycle observes after one result: the quorum verdict over the check's
 * location states at `now` (the result counted), whether the result was a conclusive failure
 * (or a degraded pass), and whether failures (not the failing marks of locations already
 * passing again) confirm it.
 */
export function observeOutage(
  policy: QuorumPolicy,
  states: readonly LocationState[],
  now: number,
  failed: boolean,
  degraded = false,
): QuorumVerdict & OutageObservation {
  const v = evaluateQuorum(policy, states, now);
  // Spelled out: spreading the verdict into a new object cost 50× the quorum itself (benchmark).
  return {
    status: v.status,
    locations: v.locations,
    required: v.required,
    failing: v.failing,
    failingOnFailure: v.failingOnFailure,
    suspect: v.suspect,
    passing: v.passing,
    degraded: v.degraded,
    stale: v.stale,
    inconclusive: v.inconclusive,
    quorumReachable: v.quorumReachable,
    belowQuorum: v.belowQuorum,
    belowDegradedQuorum: v.belowDegradedQuorum,
    newEvidence: failed,
    degradedEvidence: degraded && !failed,
    confirmedByFailures: v.failingOnFailure >= v.required,
  };
}

const OUTAGE_TYPES: ReadonlySet<EventType> = new Set(['degraded', 'seems_down', 'down']);

/**
 * The outage lifecycle of one check: given its open outage-family event (or null), the quorum
 * verdict after the latest result and the context, what to write. The family, least severe
 * first: `degraded` < `seems_down` < `down`, one open event per check, changed in place upward
 * (docs/adr/0011-degraded-state.md).
 *
 * - No open event: on a failed result, `seems_down` opens an event (`seems_down`/`low`, started
 *   now: the first failed run); `down` opens it already confirmed (`down`/`high`), as when one
 *   location and a threshold of 1 confirm at once, or when failures went on through a maintenance
 *   window. A verdict that is still `seems_down` after a pass opens nothing: that is the residue
 *   of a recovered outage (a location not yet passed), and opening on it made a blip that the
 *   next pass closed as `false_alarm` milliseconds later.
 *   A `down` verdict confirms only when failures meet the quorum (`confirmedByFailures`); one met
 *   with the failing mark of a location already passing again opens or stays `seems_down`.
 *   On a degraded pass, a `degraded` verdict opens `degraded`/`warning` and notifies.
 * - Open `degraded`: a confirmed `down` upgrades it to `down`/`high` (`confirmed`, notifies); a
 *   failure short of that upgrades it to `seems_down`, keeping its `warning` severity
 *   (`worsened`: the slowness is still true, and severity never falls inside an event); `up`
 *   with the degraded quorum out of reach even counting stale locations closes it as `recovered`
 *   and notifies; `degraded` again is `suppress('already_open')`.
 * - Open `seems_down`: a confirmed `down` upgrades it in place (started_at kept) and notifies. If
 *   it began as a suspicion (`low`), `up` or `degraded` closes it as `false_alarm`, silently (a
 *   degraded verdict then opens a degraded event: see {@link decideOutageSteps}). If it began
 *   degraded (`warning`), a `degraded` verdict, or `up` with degraded locations gone stale, turns it
 *   back to `degraded` (`eased`), and `up` past the degraded quorum closes it `recovered`, telling
 *   whoever heard it was degraded. `seems_down` again is `suppress('already_open')`.
 * - Open `down`: closes as `recovered` (and notifies) once the verdict is below the quorum even
 *   counting stale locations as failing; while failures go on it is `suppress('already_open')`.
 *   A recovery to slow opens a new degraded event after the close ({@link decideOutageSteps}).
 * - In maintenance: an open event closes as `maintenance`, nothing opens, nothing notifies.
 * - `unknown` (no location reports) changes nothing.
 *
 * Pure: the inputs are not changed, and the same inputs give the same transition.
 */
export function decideOutage(event: EventState | null, verdict: OutageObservation, ctx: LifecycleContext): Transition {
  if (event !== null) {
    assertOpen(event);
    if (!OUTAGE_TYPES.has(event.type)) {
      throw new LifecycleError('wrong_event_kind', `decideOutage handles degraded, seems_down and down events, not ${event.type}`);
    }
  }
  const status = verdict.status;
  const failing = status === 'down' || status === 'seems_down';

  if (ctx.inMaintenance) {
    if (event !== null) return closeTransition(event, 'maintenance', ctx.now, null);
    return failing || status === 'degraded' ? SUPPRESSED_IN_MAINTENANCE : NO_TRANSITION;
  }

  const confirmed = status === 'down' && verdict.confirmedByFailures;
  const suspected = ctx.notifySeemsDown === true ? 'outage_suspected' : null;
  if (event === null) {
    if (verdict.newEvidence) {
      if (confirmed) return openTransition('down', 'high', ctx.now, 'outage_confirmed');
      return failing ? openTransition('seems_down', 'low', ctx.now, suspected) : NO_TRANSITION;
    }
    if (verdict.degradedEvidence && status === 'degraded') return openTransition('degraded', 'warning', ctx.now, 'degraded_opened');
    return NO_TRANSITION;
  }

  if (event.type === 'degraded') {
    if (confirmed) return upgradeTransition(event, 'down', 'high', 'confirmed', ctx.now, 'outage_confirmed');
    if (failing && verdict.newEvidence) return upgradeTransition(event, 'seems_down', event.severity, 'worsened', ctx.now, suspected);
    if (status === 'up' && verdict.belowDegradedQuorum) return closeTransition(event, 'recovered', ctx.now, 'degraded_recovered');
    return status === 'degraded' ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
  }

  if (event.type === 'seems_down') {
    if (confirmed) return upgradeTransition(event, 'down', 'high', 'confirmed', ctx.now, 'outage_confirmed');
    if (failing) return SUPPRESSED_ALREADY_OPEN;
    if (status !== 'up' && status !== 'degraded') return NO_TRANSITION;
    // A suspicion that began degraded (`worsened`) returns to degraded; one that began from up was a false alarm.
    if (compareSeverity(event.severity, 'warning') < 0) return closeTransition(event, 'false_alarm', ctx.now, null);
    if (status === 'up' && verdict.belowDegradedQuorum) return closeTransition(event, 'recovered', ctx.now, 'degraded_recovered');
    return upgradeTransition(event, 'degraded', event.severity, 'eased', ctx.now, null);
  }

  // event.type === 'down'
  if (verdict.belowQuorum) return closeTransition(event, 'recovered', ctx.now, 'outage_recovered');
  return failing ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
}

/**
 * The outage transitions one result calls for, in order: {@link decideOutage}'s, and after a close
 * by the verdict (a `down` recovered, a suspicion found false) the degraded event the same
 * verdict opens, when the check is still slow (invariant 12: a check can open a new event at once).
 * Two mutations, so two transition rows: replay of each event stays exact.
 */
export function decideOutageSteps(event: EventState | null, verdict: OutageObservation, ctx: LifecycleContext): readonly Transition[] {
  const first = decideOutage(event, verdict, ctx);
  if (first.kind !== 'close' || first.reason === 'maintenance') return [first];
  const then = decideOutage(null, verdict, ctx);
  return then.kind === 'open' && then.stateAfter === 'degraded' ? [first, then] : [first];
}
