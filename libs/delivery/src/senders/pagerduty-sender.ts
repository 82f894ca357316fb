import { PagerDutyChannelConfigSchema } from '@vigil/contracts';
import { postJson } from '../http-post';
import { isDegradedKind } from '../message';
import { refused } from '../outcome';
import type { AlertMessage, Sender } from '../types';

export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty's four severities, from Vigil's. */
const SEVERITIES: Record<string, 'critical' | 'error' | 'warning' | 'info'> = {
  high: 'critical',
  elevated: 'error',
  warning: 'warning',
  low: 'info',
};

/**
 * An Events API v2 event. The dedup key is the event's uuid, so every notification about one
 * event (suspected, confirmed, reminders) lands on one incident, and the close resolves it.
 */
export function pagerDutyPayload(message: AlertMessage, routingKey: string) {
  const base = { routing_key: routingKey, event_action: message.action, dedup_key: message.event.uuid };
  if (message.action === 'resolve') return base;
  return {
    ...base,
    payload: {
      summary: message.title.slice(0, 1024),
      source: message.check?.target ?? message.site.name,
      // Slow but working pages no one awake: a warning, whatever the event's severity.
      severity: isDegradedKind(message.kind) ? 'warning' : (SEVERITIES[message.event.severity] ?? 'error'),
      timestamp: message.event.startedAt,
      custom_details: {
        kind: message.kind,
        site: message.site,
        check: message.check,
        event: { uuid: message.event.uuid, type: message.event.type, metadata: message.event.metadata },
        failing_locations: message.locations.failing,
        // A burn alert's budget facts (slo_burn); its severity is the event's: elevated → error, warning → warning.
        ...(message.slo && { slo: message.slo }),
        idempotency_key: message.idempotencyKey,
      },
    },
    ...(message.links.length > 0 && { links: message.links.map((link) => ({ href: link.url, text: link.label })) }),
  };
}

/** Triggers (or resolves) a PagerDuty incident through the Events API v2. */
export const pagerDutySender: Sender = async (message, channelConfig, context) => {
  const parsed = PagerDutyChannelConfigSchema.safeParse(channelConfig);
  if (!parsed.success) return refused(`Invalid PagerDuty channel config: ${parsed.error.message}`);
  const url = context.pagerDutyEventsUrl ?? DEFAULT_PAGERDUTY_EVENTS_URL;
  return postJson({ url, body: JSON.stringify(pagerDutyPayload(message, parsed.data.routing_key)), headers: {} }, context);
};
