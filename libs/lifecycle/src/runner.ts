import { LifecycleError } from './errors';
import { assertOpen, closeTransition, NO_TRANSITION, openTransition, type LifecycleContext, type Transition } from './transition';
import type { EventState } from './types';

/**
 * The `runner_offline` lifecycle of one location: given its open event (or null) and whether
 * the runner has been silent past the limit.
 *
 * - Silent, no event: opens `runner_offline` (`warning`: the checks it serves go stale and show
 *   unknown, which is not downtime) and notifies.
 * - Reporting again with an event open: closes it as `recovered` and notifies.
 * - Otherwise nothing. Maintenance does not apply (windows belong to sites and checks, a runner
 *   is neither).
 */
export function decideRunner(event: EventState | null, silent: boolean, ctx: Pick<LifecycleContext, 'now'>): Transition {
  if (event !== null) {
    assertOpen(event);
    if (event.type !== 'runner_offline') {
      throw new LifecycleError('wrong_event_kind', `decideRunner handles runner_offline events, not ${event.type}`);
    }
    return silent ? NO_TRANSITION : closeTransition(event, 'recovered', ctx.now, 'runner_recovered');
  }
  return silent ? openTransition('runner_offline', 'warning', ctx.now, 'runner_offline') : NO_TRANSITION;
}
