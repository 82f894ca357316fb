export type {
  AlertCheck,
  AlertEvent,
  AlertLocations,
  AlertMessage,
  AttemptOutcome,
  Sender,
  SenderContext,
  Senders,
  AlertSite,
  SmtpSettings,
} from './types';
export { buildAlertMessage, formatDuration } from './message';
export type { MessageOptions, MessageSource } from './message';
export { DEFAULT_SEND_TIMEOUT_MS, isRetryableStatus, MAX_RESPONSE_EXCERPT } from './outcome';
export { USER_AGENT } from './http-post';
export { DEFAULT_BACKOFF, JITTER, retryDelayMs } from './backoff';
export type { Backoff } from './backoff';
export { defaultSenders } from './senders';
export { webhookPayload, webhookSender } from './senders/webhook-sender';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './senders/webhook-signature';
export type { SignatureCheck, VerifyOptions } from './senders/webhook-signature';
export { slackPayload, slackSender } from './senders/slack-sender';
export { DEFAULT_PAGERDUTY_EVENTS_URL, pagerDutyPayload, pagerDutySender } from './senders/pagerduty-sender';
export { emailHtml, emailSender } from './senders/email-sender';
export { CHANNEL_DISABLED, DEFAULT_LEASE_MS, DEFAULT_MAX_ATTEMPTS, deliverDue } from './deliver-due';
export type { DeliverOptions, DeliverResult } from './deliver-due';
export { scheduleReminders } from './reminders';
export { notifierOptionsFrom, startNotifier, type NotifierService, type NotifierServiceOptions, type NotifierSettings } from './notifier-service';
