import { buildAlertMessage, type MessageSource } from './message';
import { emailHtml, emailText } from './senders/email-sender';
import { pagerDutyPayload } from './senders/pagerduty-sender';
import { slackPayload } from './senders/slack-sender';
import { webhookPayload } from './senders/webhook-sender';

const FACTS = {
  target_pct: 99.9,
  window_days: 30,
  rule: 'fast',
  threshold: 14.4,
  long_window_s: 3600,
  short_window_s: 300,
  burn_rate_long: 166.667,
  burn_rate_short: 1000,
  availability: 0.999769,
  budget_remaining_fraction: 0.7685,
  budget_remaining_minutes: 33.2,
};
const ENDED = { ...FACTS, rule: null, burn_rate_long: 0, burn_rate_short: 0, budget_remaining_fraction: 0.1, budget_remaining_minutes: 4.32 };

function source(kind: 'slo_burn' | 'slo_burn_ended', severity: 'elevated' | 'warning' = 'elevated'): MessageSource {
  const ended = kind === 'slo_burn_ended';
  return {
    notification: { kind, idempotencyKey: `e:${kind}:1` },
    event: {
      id: 77n,
      uuid: '3b241101-e2bb-4255-8caf-4136c566a962',
      location: null,
      eventType: 'slo_burn',
      severity,
      startedAt: new Date('2026-12-05T12:00:00.000Z'),
      endedAt: ended ? new Date('2026-12-05T12:36:00.000Z') : null,
      resolutionReason: ended ? 'recovered' : null,
      metadata: FACTS,
    },
    transition: { reason: ended ? 'recovered' : 'opened', source: 'system', metadata: ended ? ENDED : FACTS, at: new Date('2026-12-05T12:00:00.000Z') },
    check: null,
    site: { uuid: '16fd2706-8baf-433b-82eb-8c7fada847da', name: 'Shop' },
  };
}

describe('SLO notifications in the four channels', () => {
  it('say the burn, its windows and the budget left in the text (Slack, email)', () => {
    const message = buildAlertMessage(source('slo_burn'));
    expect(message.title).toBe('Error budget burning: Shop');
    expect(message.action).toBe('trigger');
    expect(message.text).toContain('Objective: 99.9% over 30 days');
    expect(message.text).toContain('Burn rate: 166.667x over 1h, 1000x over 5m (alert above 14.4x, fast burn)');
    expect(message.text).toContain('Error budget remaining: 76.9% (33.2 min)');
    expect(emailText(message)).toContain('Burn rate: 166.667x over 1h');
    expect(emailHtml(message)).toContain('Error budget remaining: 76.9%');
    const slack = slackPayload(message);
    expect(slack.text).toBe(':fire: Error budget burning: Shop');
    expect(JSON.stringify(slack.blocks)).toContain('Burn rate: 166.667x over 1h');
  });

  it('gives webhooks the figures as fields', () => {
    const payload = webhookPayload(buildAlertMessage(source('slo_burn')), new Date('2026-12-05T12:00:01.000Z'));
    expect(payload.kind).toBe('slo_burn');
    expect(payload.slo).toEqual({
      target_pct: 99.9,
      window_days: 30,
      rule: 'fast',
      threshold: 14.4,
      burn_rate_long: 166.667,
      burn_rate_short: 1000,
      long_window_s: 3600,
      short_window_s: 300,
      availability: 0.999769,
      budget_remaining_fraction: 0.7685,
      budget_remaining_minutes: 33.2,
    });
    expect(payload.check).toBeNull();
  });

  it('triggers a PagerDuty incident at error for a fast burn, warning for a slow one, and resolves it when the burn ends', () => {
    const fast = pagerDutyPayload(buildAlertMessage(source('slo_burn', 'elevated')), 'key');
    expect(fast).toMatchObject({ event_action: 'trigger', payload: { severity: 'error', source: 'Shop', custom_details: { slo: { burnRateLong: 166.667 } } } });
    const slow = pagerDutyPayload(buildAlertMessage(source('slo_burn', 'warning')), 'key');
    expect(slow).toMatchObject({ event_action: 'trigger', payload: { severity: 'warning' } });
    const ended = pagerDutyPayload(buildAlertMessage(source('slo_burn_ended')), 'key');
    expect(ended).toEqual({ routing_key: 'key', event_action: 'resolve', dedup_key: '3b241101-e2bb-4255-8caf-4136c566a962' });
  });

  it('says the end with the budget as it is then, without a burn line', () => {
    const message = buildAlertMessage(source('slo_burn_ended'));
    expect(message.title).toBe('Error budget burn ended: Shop');
    expect(message.action).toBe('resolve');
    expect(message.text).not.toContain('Burn rate');
    expect(message.text).toContain('Error budget remaining: 10% (4.32 min)');
    expect(message.text).toMatch(/Ended: 2026-12-05T12:36:00.000Z after 36m 0s \(recovered\)/);
    expect(webhookPayload(message, new Date()).slo).toMatchObject({ rule: null, budget_remaining_fraction: 0.1 });
  });

  it('adds nothing SLO-shaped to the other kinds', () => {
    const outage = { ...source('slo_burn'), notification: { kind: 'outage_confirmed' as const, idempotencyKey: 'k' } };
    const message = buildAlertMessage(outage);
    expect(message.slo).toBeUndefined();
    expect('slo' in webhookPayload(message, new Date())).toBe(false);
  });
});
