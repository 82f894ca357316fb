import { LifecycleError } from './errors';
import { assertOpen, closeTransition, NO_TRANSITION, openTransition, upgradeTransition, type LifecycleContext, type Transition } from './transition';
import { compareSeverity, type EventState } from './types';

/** The severities a burn alert takes: `elevated` for the fast rule, `warning` for the slow one. */
export type SloBurnSeverity = 'elevated' | 'warning';

/**
 * The `slo_burn` lifecycle of one site (issue 16): given its open event (or null) and the burn-rate
 * decision (the severity of the rule that keeps it burning, or null when it is not burning).
 *
 * - Burning, no event: opens `slo_burn` at the rule's severity and notifies `slo_burn`.
 * - Burning at a higher severity than the open event: raises it in place (`severity_changed`),
 *   without a second notification; severity never falls while it is open.
 * - Not burning with an event open: closes it as `recovered` and notifies `slo_burn_ended`.
 * - Otherwise nothing. Maintenance is already left out of the burn rates (a site in maintenance
 *   burns nothing), so it needs no rule here.
 */
export function decideSloBurn(event: EventState | null, burning: SloBurnSeverity | null, ctx: Pick<LifecycleContext, 'now'>): Transition {
  if (event === null) return burning === null ? NO_TRANSITION : openTransition('slo_burn', burning, ctx.now, 'slo_burn');
  assertOpen(event);
  if (event.type !== 'slo_burn') throw new LifecycleError('wrong_event_kind', `decideSloBurn handles slo_burn events, not ${event.type}`);
  if (burning === null) return closeTransition(event, 'recovered', ctx.now, 'slo_burn_ended');
  if (compareSeverity(burning, event.severity) > 0) return upgradeTransition(event, 'slo_burn', burning, 'severity_changed', ctx.now, null);
  return NO_TRANSITION;
}

/**
 * Closes an open `slo_burn` whose site no longer has an objective (its target was removed, or the
 * site archived) as `manual`, and notifies `slo_burn_ended` so that a paging incident resolves.
 */
export function retireSloBurn(event: EventState, ctx: Pick<LifecycleContext, 'now'>): Transition {
  assertOpen(event);
  if (event.type !== 'slo_burn') throw new LifecycleError('wrong_event_kind', `retireSloBurn handles slo_burn events, not ${event.type}`);
  return closeTransition(event, 'manual', ctx.now, 'slo_burn_ended');
}
