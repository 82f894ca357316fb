import type { BodyInputOf, createNotificationChannel } from '@vigil/contracts';
import type { SenderContext } from '@vigil/delivery';
import {
  type Answer,
  createSelfSignedCertificate,
  type Receiver,
  type SmtpReceiver,
  startReceiver,
  startSmtpReceiver,
} from '@vigil/delivery/testing';

type ChannelBody = BodyInputOf<typeof createNotificationChannel>;

export const WEBHOOK_SECRET = 'whsec-e2e-alerting-0123456789';
export const PAGERDUTY_ROUTING_KEY = 'E2EROUTINGKEY0123456789abcdefABC';
export const ALERT_RECIPIENT = 'oncall@example.com';
export const ALERT_SENDER = 'vigil@example.com';

/** A loopback receiver for each channel type, and the notifier settings that point at them. */
export interface AlertReceivers {
  readonly webhook: Receiver;
  /** https, with a self-signed certificate the context trusts: Slack URLs must be https. */
  readonly slack: Receiver;
  readonly pagerDuty: Receiver;
  readonly smtp: SmtpReceiver;
  /** What the webhook receiver answers next, in order; 200 once none are left. */
  readonly webhookAnswers: Answer[];
  readonly context: SenderContext;
  /** One channel of each type for these sites, each pointing at its receiver; `eager` ones are also told of suspicions. */
  channels(siteIds: string[], name: string, options?: { eager?: boolean }): ChannelBody[];
  /** Forgets what was received and queued. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAlertReceivers(): Promise<AlertReceivers> {
  const certificate = createSelfSignedCertificate();
  const webhookAnswers: Answer[] = [];
  const webhook = await startReceiver({ respond: () => webhookAnswers.shift() ?? { status: 200, body: 'ok' } });
  const slack = await startReceiver({ tls: certificate });
  const pagerDuty = await startReceiver({ respond: () => ({ status: 202, body: '{"status":"success"}' }) });
  const smtp = await startSmtpReceiver();
  return {
    webhook,
    slack,
    pagerDuty,
    smtp,
    webhookAnswers,
    context: {
      timeoutMs: 5_000,
      ca: certificate.cert,
      pagerDutyEventsUrl: `${pagerDuty.url}/v2/enqueue`,
      smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
      emailFrom: ALERT_SENDER,
    },
    channels(siteIds, name, { eager = false } = {}) {
      const common = { site_ids: siteIds, notify_on_seems_down: eager };
      return [
        { ...common, type: 'webhook', name: `${name} webhook`, config: { url: `${webhook.url}/hooks/vigil`, secret: WEBHOOK_SECRET } },
        { ...common, type: 'slack', name: `${name} slack`, config: { webhook_url: `${slack.url}/services/T0/B0/XYZ` } },
        { ...common, type: 'pagerduty', name: `${name} pagerduty`, config: { routing_key: PAGERDUTY_ROUTING_KEY } },
        { ...common, type: 'email', name: `${name} email`, config: { to: [ALERT_RECIPIENT] } },
      ];
    },
    reset() {
      for (const receiver of [webhook, slack, pagerDuty]) receiver.requests.length = 0;
      smtp.mails.length = 0;
      webhookAnswers.length = 0;
    },
    async close() {
      await Promise.all([webhook.close(), slack.close(), pagerDuty.close(), smtp.close()]);
    },
  };
}
