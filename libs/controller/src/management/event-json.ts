import type { EventSchema, EventSummarySchema, EventTransitionSchema } from '@vigil/contracts';
import type { EventTransition, SiteEvent } from '@vigil/db';
import type { z } from 'zod';
import { maskTarget } from '@vigil/secrets';

/** What the JSON of an event needs besides its row: the uuids and target its internal ids point at. */
export const EVENT_RELATIONS = {
  site: { select: { uuid: true } },
  check: { select: { uuid: true } },
  endpoint: { select: { target: true } },
  cause: { select: { uuid: true } },
} as const;

export type EventRow = SiteEvent & {
  site: { uuid: string };
  check: { uuid: string } | null;
  endpoint: { target: string } | null;
  cause: { uuid: string } | null;
};

type EventSummaryRow = SiteEvent & { site: { uuid: string }; check: { uuid: string } | null };

export function eventSummaryJson(event: EventSummaryRow): z.input<typeof EventSummarySchema> {
  return {
    id: event.uuid,
    site_id: event.site.uuid,
    check_id: event.check?.uuid ?? null,
    location: event.location,
    type: event.eventType,
    state: event.endedAt === null ? 'open' : 'closed',
    severity: event.severity,
    started_at: event.startedAt.toISOString(),
    ended_at: event.endedAt?.toISOString() ?? null,
  };
}

export function eventJson(event: EventRow): z.input<typeof EventSchema> {
  return {
    ...eventSummaryJson(event),
    endpoint_target: event.endpoint ? maskTarget(event.endpoint.target) : null,
    check_type: event.checkType,
    resolution_reason: event.resolutionReason,
    cause_event_id: event.cause?.uuid ?? null,
    metadata: event.metadata as Record<string, unknown>,
    created_at: event.createdAt.toISOString(),
  };
}

export function transitionJson(transition: EventTransition): z.input<typeof EventTransitionSchema> {
  return {
    state_before: transition.stateBefore,
    state_after: transition.stateAfter,
    severity_before: transition.severityBefore,
    severity_after: transition.severityAfter,
    reason: transition.reason,
    source: transition.source,
    metadata: transition.metadata as Record<string, unknown>,
    at: transition.at.toISOString(),
  };
}
