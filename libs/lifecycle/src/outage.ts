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
import type { EventState } from './types';

/** The part of a quorum verdict the outage lifecycle reads, and what the result in hand said. */
export type OutageObservation = Pick<QuorumVerdict, 'status' | 'belowQuorum'> & {
  /**
   * The result just counted was a conclusive failure: new evidence. Only that opens an outage: a
   * pass, an inconclusive result or a sweep never does, even while a location still carries the
   * failing mark of an outage that just recovered (which opened a `seems_down` the next pass
   * closed as `false_alarm` at once), or when a pass makes the quorum reachable again after
   * `unknown` (the failure counted before it opens the outage at its location's next failure).
   */
  readonly newEvidence: boolean;
  /**
   * The quorum is met by locations whose latest result failed, not only by locations still marked
   * failing while they pass their way back (the passing threshold). Only that confirms an outage:
   * a mark about to clear would confirm it for the few milliseconds until its pass is counted.
   */
  readonly confirmedByFailures: boolean;
};

/**
 * What the outage lifecycle observes after one result: the quorum verdict over the check's
 * location states at `now` (the result counted), whether the result was a conclusive failure,
 * and whether failures (not the failing marks of locations already passing again) confirm it.
 */
export function observeOutage(policy: QuorumPolicy, states: readonly LocationState[], now: number, failed: boolean): QuorumVerdict & OutageObservation {
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
    stale: v.stale,
    inconclusive: v.inconclusive,
    quorumReachable: v.quorumReachable,
    belowQuorum: v.belowQuorum,
    newEvidence: failed,
    confirmedByFailures: v.failingOnFailure >= v.required,
  };
}

/**
 * The outage lifecycle of one check: given its open outage event (or null), the quorum
 * verdict after the latest result and the context, what to write.
 *
 * - No open event: on a failed result, `seems_down` opens an event (`seems_down`/`low`, started
 *   now: the first failed run); `down` opens it already confirmed (`down`/`high`), as when one
 *   location and a threshold of 1 confirm at once, or when failures went on through a maintenance
 *   window. A verdict that is still `seems_down` after a pass opens nothing: that is the residue
 *   of a recovered outage (a location not yet passed), and opening on it made a blip that the
 *   next pass closed as `false_alarm` milliseconds later.
 *   A `down` verdict confirms only when failures meet the quorum (`confirmedByFailures`); one met
 *   with the failing mark of a location already passing again opens or stays `seems_down`.
 * - Open `seems_down`: a confirmed `down` upgrades it in place (started_at kept) and notifies; `up` closes
 *   it as `false_alarm`, silently; `seems_down` again is `suppress('already_open')`.
 * - Open `down`: closes as `recovered` (and notifies) once the verdict is below the quorum even
 *   counting stale locations as failing; while failures go on it is `suppress('already_open')`.
 * - In maintenance: an open event closes as `maintenance`, nothing opens, nothing notifies.
 * - `unknown` (no location reports) changes nothing.
 *
 * Pure: the inputs are not changed, and the same inputs give the same transition.
 */
export function decideOutage(event: EventState | null, verdict: OutageObservation, ctx: LifecycleContext): Transition {
  if (event !== null) {
    assertOpen(event);
    if (event.type !== 'seems_down' && event.type !== 'down') {
      throw new LifecycleError('wrong_event_kind', `decideOutage handles seems_down and down events, not ${event.type}`);
    }
  }
  const status = verdict.status;

  if (ctx.inMaintenance) {
    if (event !== null) return closeTransition(event, 'maintenance', ctx.now, null);
    return status === 'down' || status === 'seems_down' ? SUPPRESSED_IN_MAINTENANCE : NO_TRANSITION;
  }

  const confirmed = status === 'down' && verdict.confirmedByFailures;
  if (event === null) {
    if (!verdict.newEvidence) return NO_TRANSITION;
    if (confirmed) return openTransition('down', 'high', ctx.now, 'outage_confirmed');
    if (status === 'seems_down' || status === 'down') {
      return openTransition('seems_down', 'low', ctx.now, ctx.notifySeemsDown === true ? 'outage_suspected' : null);
    }
    return NO_TRANSITION;
  }

  if (event.type === 'seems_down') {
    if (confirmed) return upgradeTransition(event, 'down', 'high', 'confirmed', ctx.now, 'outage_confirmed');
    if (status === 'up') return closeTransition(event, 'false_alarm', ctx.now, null);
    return status === 'seems_down' || status === 'down' ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
  }

  // event.type === 'down'
  if (verdict.belowQuorum) return closeTransition(event, 'recovered', ctx.now, 'outage_recovered');
  return status === 'down' || status === 'seems_down' ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
}
