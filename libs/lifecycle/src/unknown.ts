import { LifecycleError } from './errors';
import { assertOpen, closeTransition, NO_TRANSITION, openTransition, type LifecycleContext, type Transition } from './transition';
import type { EventState } from './types';

/**
 * The unknown spell of one check: given its open `unknown` event (or null) and whether the
 * check's status is `unknown` now (too few fresh, conclusive locations for its quorum).
 *
 * - Unknown, no spell: opens one (`unknown`/`low`). It notifies nobody: the monitor could not
 *   tell, which is no outage; the spell is kept so that uptime can leave it out.
 * - No longer unknown with a spell open: closes it as `recovered`, silently, whatever the
 *   status became (up, an outage, maintenance).
 * - Otherwise nothing.
 */
export function decideUnknown(event: EventState | null, unknown: boolean, ctx: Pick<LifecycleContext, 'now'>): Transition {
  if (event !== null) {
    assertOpen(event);
    if (event.type !== 'unknown') throw new LifecycleError('wrong_event_kind', `decideUnknown handles unknown events, not ${event.type}`);
    return unknown ? NO_TRANSITION : closeTransition(event, 'recovered', ctx.now, null);
  }
  return unknown ? openTransition('unknown', 'low', ctx.now, null) : NO_TRANSITION;
}
