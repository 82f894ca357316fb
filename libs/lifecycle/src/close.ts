import { assertOpen, closeTransition, gate, type LifecycleContext, type Transition } from './transition';
import type { EventState, ResolutionReason } from './types';

/** Reasons to close an event that come from people or configuration, not from a verdict. */
export type AdministrativeReason = Exclude<ResolutionReason, 'recovered' | 'false_alarm'>;

/**
 * Closes an open event of any kind for an administrative reason: an operator resolved it
 * (`manual`), its check was disabled or deleted, or a maintenance window began. A confirmed
 * outage closed by a person or a configuration change notifies `outage_resolved` (whoever was
 * told it is down learns it is no longer tracked); maintenance never notifies.
 * Read-only mode returns `suppress('read_only')` as everywhere else.
 */
export function closeEvent(
  event: EventState,
  reason: AdministrativeReason,
  ctx: Pick<LifecycleContext, 'now' | 'readOnly'>,
): Transition {
  assertOpen(event);
  const notify = event.type === 'down' && reason !== 'maintenance' ? 'outage_resolved' : null;
  return gate(closeTransition(event, reason, ctx.now, notify), ctx);
}
