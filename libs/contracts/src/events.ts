import { z } from 'zod';
import { CheckTypeSchema, IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

/** An event's state: an outage is `seems_down`, then `down` once the quorum confirms it. */
export const EVENT_TYPES = ['seems_down', 'down', 'cert_expiring', 'runner_offline', 'unknown', 'degraded', 'slo_burn'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const EVENT_SEVERITIES = ['low', 'warning', 'elevated', 'high'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];
export const EVENT_RESOLUTION_REASONS = ['recovered', 'false_alarm', 'maintenance', 'check_disabled', 'check_deleted', 'manual'] as const;
export const EVENT_TRANSITION_REASONS = [
  'opened',
  'confirmed',
  'severity_changed',
  'worsened',
  'eased',
  'recovered',
  'false_alarm',
  'maintenance',
  'check_disabled',
  'check_deleted',
  'manual',
  'cause_linked',
] as const;
export const EVENT_STATES = ['open', 'closed'] as const;

const Metadata = z.record(z.string(), z.unknown());

export const EventSchema = z.object({
  id: z.uuid(),
  site_id: z.uuid(),
  check_id: z.uuid().nullable(),
  endpoint_target: z.string().nullable(),
  check_type: CheckTypeSchema.nullable(),
  location: z.string().nullable().describe('For location-wide events (runner_offline): the runner slug'),
  type: z.enum(EVENT_TYPES),
  state: z.enum(EVENT_STATES),
  severity: z.enum(EVENT_SEVERITIES),
  started_at: Timestamp,
  ended_at: Timestamp.nullable(),
  resolution_reason: z.enum(EVENT_RESOLUTION_REASONS).nullable(),
  cause_event_id: z.uuid().nullable(),
  metadata: Metadata,
  created_at: Timestamp,
});

/** Enough of an event to recognise it: the cause shown with an event. */
export const EventSummarySchema = EventSchema.pick({
  id: true,
  site_id: true,
  check_id: true,
  location: true,
  type: true,
  state: true,
  severity: true,
  started_at: true,
  ended_at: true,
});

export const EventTransitionSchema = z.object({
  state_before: z.enum(EVENT_TYPES).nullable(),
  state_after: z.enum(EVENT_TYPES),
  severity_before: z.enum(EVENT_SEVERITIES).nullable(),
  severity_after: z.enum(EVENT_SEVERITIES),
  reason: z.enum(EVENT_TRANSITION_REASONS),
  source: z.string().describe('`location:<slug>`, `system` or `operator:<key name>`'),
  metadata: Metadata,
  at: Timestamp,
});

/** The most effects an event's detail lists: a runner going offline may cause one per check it runs. */
export const EVENT_MAX_EFFECTS = 100;

export const EventDetailSchema = EventSchema.extend({
  transitions: z.array(EventTransitionSchema).describe('Every change of the event, oldest first'),
  cause: EventSummarySchema.nullable().describe('The event recorded as its cause (`cause_event_id`), if any'),
  effects: z.array(EventSummarySchema).describe(`The events whose cause is this one, oldest first, at most ${EVENT_MAX_EFFECTS}`),
  effects_count: z.number().int().describe('How many events this one caused, listed or not'),
});

export const ListEventsQuery = PageQuery.extend({
  site_id: ResourceId.optional(),
  check_id: ResourceId.optional(),
  state: z.enum(EVENT_STATES).optional(),
  type: z.enum(EVENT_TYPES).optional(),
  since: Timestamp.optional().describe('Events that started at or after this time'),
  until: Timestamp.optional().describe('Events that started before this time'),
});

export const listEvents = defineRoute({
  method: 'get',
  path: '/api/v1/events',
  operationId: 'listEvents',
  summary: 'List events, newest first',
  tags: ['events'],
  auth: { kind: 'api-key', scope: 'read' },
  query: ListEventsQuery,
  success: { status: 200, description: 'A page of events, by started_at (newest first)', schema: listOf(EventSchema) },
});

export const getEvent = defineRoute({
  method: 'get',
  path: '/api/v1/events/:id',
  operationId: 'getEvent',
  summary: 'Get an event with its transitions, its cause and the events it caused',
  tags: ['events'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The event', schema: EventDetailSchema },
  errors: [404],
});

export const eventsRoutes = [listEvents, getEvent] as const;
