import { LifecycleError } from './errors';
import { assertOpen, closeTransition, NO_TRANSITION, openTransition, type LifecycleContext, type Transition } from './transition';
import type { EventState } from './types';

/** Whether a check's status was `unknown` before the change and is after it. */
export interface UnknownObservation {
  readonly before: boolean;
  readonly after: boolean;
}

/**
 * The unknown spell of one check: given its open `unknown` event (or null) and whether the
 * check's status was and is `unknown` (too few fresh, conclusive locations for its quorum).
 *
 * - Turned unknown, no spell: opens one (`unknown`/`low`). It notifies nobody: the monitor could
 *   not tell, which is no outage; the spell is kept so that uptime can leave it out. A check that
 *   was unknown already (a new one, before its locations first report) opens none: nothing turned.
 * - No longer unknown with a spell open: closes it as `recovered`, silently, whatever the
 *   status became (up, an outage, maintenance).
 * - Otherwise nothing.
 */
export function decideUnknown(event: EventState | null, status: UnknownObservation, ctx: Pick<LifecycleContext, 'now'>): Transition {
  if (event !== null) {
    assertOpen(event);
    if (event.type !== 'unknown') throw new LifecycleError('wrong_event_kind', `decideUnknown handles unknown events, not ${event.type}`);
    return status.after ? NO_TRANSITION : closeTransition(event, 'recovered', ctx.now, null);
  }
  return status.after && !status.before ? openTransition('unknown', 'low', ctx.now, null) : NO_TRANSITION;
}
