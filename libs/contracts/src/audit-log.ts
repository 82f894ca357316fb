import { z } from 'zod';
import { listOf, PageQuery, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

/** One mutating management request as the audit log keeps it. */
export const AuditLogEntrySchema = z.object({
  id: z.string().describe('Increasing with time (a decimal integer)'),
  at: Timestamp,
  key_id: z.uuid().nullable().describe("The API key's id; null when the request was not authenticated"),
  key_name: z.string().nullable().describe("The key's name when the request was made"),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  route: z.string().describe('The route pattern, e.g. `/api/v1/sites/:id`'),
  resource_type: z.string().describe('`site`, `check`, `notification-channel`…'),
  resource_id: z.string().nullable().describe('The id (or runner slug) in the path, or the id of what a POST created'),
  status: z.number().int().describe('The HTTP status the request was answered with'),
  summary: z
    .record(z.string(), z.unknown())
    .describe('What the request asked for: the names of the fields it sent, their values where not secret, and its query'),
});

export const ListAuditLogQuery = PageQuery.extend({
  key_id: ResourceId.optional().describe('Only requests made with this API key'),
  resource_id: z.string().min(1).max(200).optional().describe('Only requests on this resource'),
});

export const listAuditLog = defineRoute({
  method: 'get',
  path: '/api/v1/audit-log',
  operationId: 'listAuditLog',
  summary: 'The audit log of mutating management requests, newest first',
  description:
    'Every POST, PUT, PATCH and DELETE of the management API, refused ones included: who (key id and name), what (method, route, resource, the fields sent without secrets), the status and when. The database refuses to change or delete its rows.',
  tags: ['audit-log'],
  auth: { kind: 'api-key', scope: 'admin' },
  query: ListAuditLogQuery,
  success: { status: 200, description: 'A page of entries, newest first', schema: listOf(AuditLogEntrySchema) },
});

export const auditLogRoutes = [listAuditLog] as const;
