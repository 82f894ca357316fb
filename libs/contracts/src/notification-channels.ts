import { z } from 'zod';
import { IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

export const CHANNEL_TYPES = ['webhook', 'slack', 'email', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Secrets are answered as this followed by their last characters (`••••c0de`). */
export const SECRET_MASK_PREFIX = '••••';

export const MAX_WEBHOOK_HEADERS = 20;
export const MAX_EMAIL_RECIPIENTS = 20;
/** Set by the notifier (or by HTTP itself), so a channel may not override them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);

const HttpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const HttpsUrl = z.url({ protocol: /^https$/ }).max(2048);
const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
  .max(100)
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the notifier and cannot be overridden');
const HeaderValue = z
  .string()
  .max(2000)
  .regex(/^[^\r\n]*$/, 'must be on one line');

export const WebhookChannelConfigSchema = z.strictObject({
  url: HttpUrl.describe('Where events are POSTed (http or https)'),
  secret: z.string().min(16).max(256).optional().describe('Signs each delivery (HMAC-SHA256); at least 16 characters'),
  headers: z
    .record(HeaderName, HeaderValue)
    .refine((headers) => Object.keys(headers).length <= MAX_WEBHOOK_HEADERS, `must have at most ${MAX_WEBHOOK_HEADERS} headers`)
    .optional(),
});
export type WebhookChannelConfig = z.output<typeof WebhookChannelConfigSchema>;

export const SlackChannelConfigSchema = z.strictObject({
  webhook_url: HttpsUrl.describe('A Slack incoming-webhook URL (https)'),
});
export type SlackChannelConfig = z.output<typeof SlackChannelConfigSchema>;

export const EmailChannelConfigSchema = z.strictObject({
  to: z.array(z.email()).min(1).max(MAX_EMAIL_RECIPIENTS),
  from: z.email().optional(),
  smtp: z
    .strictObject({
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535),
      secure: z.boolean().describe('TLS from the start (port 465) rather than STARTTLS'),
      username: z.string().min(1).max(256).optional(),
      password: z.string().min(1).max(256).optional(),
      require_tls: z
        .boolean()
        .optional()
        .describe('With credentials, refuse to send them unless the server offers TLS (STARTTLS); true unless set to false'),
    })
    .optional()
    .describe("The SMTP server; the notifier's default when omitted"),
});
export type EmailChannelConfig = z.output<typeof EmailChannelConfigSchema>;

export const PagerDutyChannelConfigSchema = z.strictObject({
  routing_key: z.string().length(32).describe('The integration key of a PagerDuty Events API v2 service'),
});
export type PagerDutyChannelConfig = z.output<typeof PagerDutyChannelConfigSchema>;

/** The config schema of each channel type, as stored and as the notifier reads it. */
export const CHANNEL_CONFIG_SCHEMAS = {
  webhook: WebhookChannelConfigSchema,
  slack: SlackChannelConfigSchema,
  email: EmailChannelConfigSchema,
  pagerduty: PagerDutyChannelConfigSchema,
} as const;
export type ChannelConfigOf<T extends ChannelType> = z.output<(typeof CHANNEL_CONFIG_SCHEMAS)[T]>;

const ChannelName = z.string().trim().min(1).max(100);
const ChannelSiteIds = z.array(ResourceId).max(1000).describe('The sites this channel hears about; empty: every site');
const ReminderMinutes = z.number().int().min(5).max(1440).nullable().describe('Remind every N minutes while down; null: no reminders');

const channelFields = {
  name: ChannelName,
  site_ids: ChannelSiteIds.default([]),
  notify_on_seems_down: z.boolean().default(false).describe('Also notify when an outage is suspected, before the quorum confirms it'),
  notify_on_degraded: z.boolean().default(true).describe('Notify when a check becomes degraded (slow but working) and when it recovers from that'),
  reminder_minutes: ReminderMinutes.default(null),
  enabled: z.boolean().default(true),
};

export const CreateNotificationChannelBody = z.discriminatedUnion('type', [
  z.strictObject({ ...channelFields, type: z.literal('webhook'), config: WebhookChannelConfigSchema }),
  z.strictObject({ ...channelFields, type: z.literal('slack'), config: SlackChannelConfigSchema }),
  z.strictObject({ ...channelFields, type: z.literal('email'), config: EmailChannelConfigSchema }),
  z.strictObject({ ...channelFields, type: z.literal('pagerduty'), config: PagerDutyChannelConfigSchema }),
]);

export const UpdateNotificationChannelBody = z.strictObject({
  name: ChannelName.optional(),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      `A JSON merge patch (RFC 7396) of the config: fields sent replace the stored ones, null removes one. A secret sent back as its masked value (\`${SECRET_MASK_PREFIX}…\`) keeps the stored secret.`,
    ),
  site_ids: ChannelSiteIds.optional(),
  notify_on_seems_down: z.boolean().optional(),
  notify_on_degraded: z.boolean().optional(),
  reminder_minutes: ReminderMinutes.optional(),
  enabled: z.boolean().optional(),
});

export const NotificationChannelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  config: z
    .record(z.string(), z.unknown())
    .describe(`The config, secrets masked (\`${SECRET_MASK_PREFIX}\` and their last 4 characters)`),
  site_ids: z.array(z.uuid()),
  notify_on_seems_down: z.boolean(),
  notify_on_degraded: z.boolean(),
  reminder_minutes: z.number().int().nullable(),
  enabled: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const createNotificationChannel = defineRoute({
  method: 'post',
  path: '/api/v1/notification-channels',
  operationId: 'createNotificationChannel',
  summary: 'Create a notification channel',
  tags: ['notification-channels'],
  auth: { kind: 'api-key', scope: 'write' },
  body: CreateNotificationChannelBody,
  success: { status: 201, description: 'The channel, secrets masked', schema: NotificationChannelSchema },
});

export const listNotificationChannels = defineRoute({
  method: 'get',
  path: '/api/v1/notification-channels',
  operationId: 'listNotificationChannels',
  summary: 'List notification channels, newest first',
  tags: ['notification-channels'],
  auth: { kind: 'api-key', scope: 'read' },
  query: PageQuery,
  success: { status: 200, description: 'A page of channels, secrets masked', schema: listOf(NotificationChannelSchema) },
});

export const getNotificationChannel = defineRoute({
  method: 'get',
  path: '/api/v1/notification-channels/:id',
  operationId: 'getNotificationChannel',
  summary: 'Get a notification channel',
  tags: ['notification-channels'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The channel, secrets masked', schema: NotificationChannelSchema },
  errors: [404],
});

export const updateNotificationChannel = defineRoute({
  method: 'patch',
  path: '/api/v1/notification-channels/:id',
  operationId: 'updateNotificationChannel',
  summary: 'Change a notification channel',
  description: 'Fields not sent are kept. The type cannot change: create another channel instead.',
  tags: ['notification-channels'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  body: UpdateNotificationChannelBody,
  success: { status: 200, description: 'The channel, secrets masked', schema: NotificationChannelSchema },
  errors: [404],
});

export const deleteNotificationChannel = defineRoute({
  method: 'delete',
  path: '/api/v1/notification-channels/:id',
  operationId: 'deleteNotificationChannel',
  summary: 'Delete a notification channel and its pending and past notifications',
  tags: ['notification-channels'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 204, description: 'Deleted' },
  errors: [404],
});

export const notificationChannelsRoutes = [
  createNotificationChannel,
  listNotificationChannels,
  getNotificationChannel,
  updateNotificationChannel,
  deleteNotificationChannel,
] as const;
