import { emailSender } from './senders/email-sender';
import { pagerDutySender } from './senders/pagerduty-sender';
import { slackSender } from './senders/slack-sender';
import { webhookSender } from './senders/webhook-sender';
import type { Senders } from './types';

/** The real sender of each channel type. Tests replace them to count or fail sends. */
export const defaultSenders: Senders = {
  webhook: webhookSender,
  slack: slackSender,
  email: emailSender,
  pagerduty: pagerDutySender,
};
