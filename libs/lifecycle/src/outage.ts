import type { QuorumVerdict } from '@vigil/quorum';
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

/** The part of a quorum verdict the outage lifecycle reads. */
export type OutageObservation = Pick<QuorumVerdict, 'status' | 'belowQuorum'>;

/**
 * The outage lifecycle of one check: given its open outage event (or null), the quorum
 * verdict after the latest result and the context, what to write.
 *
 * - No open event: `seems_down` opens an event (`seems_down`/`low`, started now: the first
 *   failed run); `down` opens it already confirmed (`down`/`high`), as when one location and
 *   a threshold of 1 confirm at once, or when failures went on through a maintenance window.
 * - Open `seems_down`: `down` upgrades it in place (started_at kept) and notifies; `up` closes
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

  if (event === null) {
    if (status === 'down') return openTransition('down', 'high', ctx.now, 'outage_confirmed');
    if (status === 'seems_down') {
      return openTransition('seems_down', 'low', ctx.now, ctx.notifySeemsDown === true ? 'outage_suspected' : null);
    }
    return NO_TRANSITION;
  }

  if (event.type === 'seems_down') {
    if (status === 'down') return upgradeTransition(event, 'down', 'high', 'confirmed', ctx.now, 'outage_confirmed');
    if (status === 'up') return closeTransition(event, 'false_alarm', ctx.now, null);
    return status === 'seems_down' ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
  }

  // event.type === 'down'
  if (verdict.belowQuorum) return closeTransition(event, 'recovered', ctx.now, 'outage_recovered');
  return status === 'down' || status === 'seems_down' ? SUPPRESSED_ALREADY_OPEN : NO_TRANSITION;
}
