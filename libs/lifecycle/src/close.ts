import { assertOpen, closeTransition, type CloseTransition, type LifecycleContext } from './transition';
import type { EventState, ResolutionReason } from './types';

/** Reasons to close an event that come from people or configuration, not from a verdict. */
export type AdministrativeReason = Exclude<ResolutionReason, 'recovered' | 'false_alarm'>;

/**
 * Closes an open event of any kind for an administrative reason: an operator resolved it
 * (`manual`), its check was disabled or deleted, or a maintenance window began. A confirmed
 * outage closed by a person or a configuration change notifies `outage_resolved` (whoever was
 * told it is down learns it is no longer tracked); maintenance never notifies.
 */
export function closeEvent(
  event: EventState,
  reason: AdministrativeReason,
  ctx: Pick<LifecycleContext, 'now'>,
): CloseTransition {
  assertOpen(event);
  const notify = event.type === 'down' && reason !== 'maintenance' ? 'outage_resolved' : null;
  return closeTransition(event, reason, ctx.now, notify);
}
