import { z } from 'zod';
import { IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { CHANNEL_TYPES } from './notification-channels';
import { defineRoute } from './route';

/** What a notification tells: the lifecycle's kinds, and the notifier's reminders while an outage lasts. */
export const NOTIFICATION_KINDS = [
  'outage_suspected',
  'outage_confirmed',
  'outage_recovered',
  'outage_resolved',
  'cert_expiring_soon',
  'cert_renewed',
  'reminder',
  'runner_offline',
  'runner_recovered',
  'degraded_opened',
  'degraded_recovered',
  'slo_burn',
  'slo_burn_ended',
] as const;
export type NotificationKindName = (typeof NOTIFICATION_KINDS)[number];

/** `pending` until delivered; `failed` once its attempts ran out or the receiver refused it for good. */
export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const NotificationSchema = z.object({
  id: z.uuid(),
  event_id: z.uuid(),
  site_id: z.uuid(),
  channel: z.object({ id: z.uuid(), name: z.string(), type: z.enum(CHANNEL_TYPES) }),
  kind: z.enum(NOTIFICATION_KINDS),
  status: z.enum(NOTIFICATION_STATUSES),
  idempotency_key: z.string().describe('Sent with every attempt, so a receiver can drop repeats'),
  attempt_count: z.number().int(),
  next_attempt_at: Timestamp.nullable().describe('When the notifier tries again; null once delivered or failed'),
  last_error: z.string().nullable(),
  created_at: Timestamp,
  delivered_at: Timestamp.nullable(),
});

export const NotificationAttemptSchema = z.object({
  at: Timestamp,
  ok: z.boolean(),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int().nullable(),
  response_excerpt: z.string().nullable(),
  error: z.string().nullable(),
});

export const NotificationDetailSchema = NotificationSchema.extend({
  attempts: z.array(NotificationAttemptSchema).describe('Every delivery attempt, oldest first'),
});

export const ListNotificationsQuery = PageQuery.extend({
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  event_id: ResourceId.optional(),
  channel_id: ResourceId.optional(),
  site_id: ResourceId.optional(),
});

export const listNotifications = defineRoute({
  method: 'get',
  path: '/api/v1/notifications',
  operationId: 'listNotifications',
  summary: 'List notifications (the outbox), newest first',
  description: 'Filter by `status=failed` to see the alerts that could not be delivered.',
  tags: ['notifications'],
  auth: { kind: 'api-key', scope: 'read' },
  query: ListNotificationsQuery,
  success: { status: 200, description: 'A page of notifications, by created_at (newest first)', schema: listOf(NotificationSchema) },
});

export const getNotification = defineRoute({
  method: 'get',
  path: '/api/v1/notifications/:id',
  operationId: 'getNotification',
  summary: 'Get a notification with every delivery attempt',
  tags: ['notifications'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The notification', schema: NotificationDetailSchema },
  errors: [404],
});

export const retryNotification = defineRoute({
  method: 'post',
  path: '/api/v1/notifications/:id/retry',
  operationId: 'retryNotification',
  summary: 'Deliver a failed notification again',
  description: 'The notification becomes pending and due now, with a fresh set of attempts; its idempotency key stays. Only a failed one can be retried (409 otherwise).',
  tags: ['notifications'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 200, description: 'The notification, pending again', schema: NotificationSchema },
  errors: [404, 409],
});

export const notificationsRoutes = [listNotifications, getNotification, retryNotification] as const;
