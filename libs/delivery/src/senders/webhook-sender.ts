import { WebhookChannelConfigSchema } from '@vigil/contracts';
import { postJson } from '../http-post';
import { refused } from '../outcome';
import type { AlertMessage, Sender } from '../types';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature';

/** The JSON a webhook receives: stable, snake_case, documented by this function. */
export function webhookPayload(message: AlertMessage, sentAt: Date) {
  const { event, check, site, locations } = message;
  return {
    idempotency_key: message.idempotencyKey,
    kind: message.kind,
    title: message.title,
    event: {
      id: event.id,
      uuid: event.uuid,
      type: event.type,
      severity: event.severity,
      started_at: event.startedAt,
      ended_at: event.endedAt,
      resolution_reason: event.resolutionReason,
      metadata: event.metadata,
    },
    check: check && { uuid: check.uuid, name: check.name, type: check.type, target: check.target },
    site: { uuid: site.uuid, name: site.name },
    locations: { failing: locations.failing, reporting: locations.reporting },
    // The event's dashboard page when VIGIL_PUBLIC_URL is set; empty otherwise.
    links: message.links.map((link) => ({ label: link.label, url: link.url })),
    sent_at: sentAt.toISOString(),
    // The SLO kinds only (slo_burn, slo_burn_ended): the burn, its windows and the budget left.
    ...(message.slo && {
      slo: {
        target_pct: message.slo.targetPct,
        window_days: message.slo.windowDays,
        rule: message.slo.rule,
        threshold: message.slo.threshold,
        burn_rate_long: message.slo.burnRateLong,
        burn_rate_short: message.slo.burnRateShort,
        long_window_s: message.slo.longWindowS,
        short_window_s: message.slo.shortWindowS,
        availability: message.slo.availability,
        budget_remaining_fraction: message.slo.budgetRemainingFraction,
        budget_remaining_minutes: message.slo.budgetRemainingMinutes,
      },
    }),
  };
}

const OWN_HEADERS = new Set([IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, 'user-agent'].map((h) => h.toLowerCase()));

/** POSTs the event as JSON, signed when the channel has a secret; the channel's headers go along. */
export const webhookSender: Sender = async (message, channelConfig, context) => {
  const parsed = WebhookChannelConfigSchema.safeParse(channelConfig);
  if (!parsed.success) return refused(`Invalid webhook channel config: ${parsed.error.message}`);
  const config = parsed.data;
  const sentAt = context.now?.() ?? new Date();
  const body = JSON.stringify(webhookPayload(message, sentAt));
  // The channel's headers may not pass for ours: a receiver trusts these.
  const headers: Record<string, string> = Object.fromEntries(
    Object.entries(config.headers ?? {}).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase())),
  );
  headers[IDEMPOTENCY_HEADER] = message.idempotencyKey;
  if (config.secret !== undefined) {
    const timestamp = Math.floor(sentAt.getTime() / 1000);
    headers[TIMESTAMP_HEADER] = String(timestamp);
    headers[SIGNATURE_HEADER] = signWebhook(config.secret, timestamp, body);
  }
  return postJson({ url: config.url, body, headers }, context);
};
