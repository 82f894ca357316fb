import { z } from 'zod';
import { IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

/** The longest window: longer maintenance is a paused check, not a window. */
export const MAX_MAINTENANCE_WINDOW_DAYS = 31;
const MAX_WINDOW_MS = MAX_MAINTENANCE_WINDOW_DAYS * 24 * 3600 * 1000;

const Reason = z.string().max(500);

/**
 * What is wrong with `ends_at` given `starts_at`, if anything: the one rule for a window's
 * length, judged by the create schema and, on the merged window, by an update.
 */
export function windowEndProblem(startsAt: Date, endsAt: Date): string | undefined {
  const length = endsAt.getTime() - startsAt.getTime();
  if (length <= 0) return 'must be after starts_at';
  if (length > MAX_WINDOW_MS) return `must be at most ${MAX_MAINTENANCE_WINDOW_DAYS} days after starts_at`;
  return undefined;
}

export const CreateMaintenanceWindowBody = z
  .strictObject({
    site_id: ResourceId,
    check_id: ResourceId.optional().describe("Only this check (one of the site's); the whole site when omitted"),
    starts_at: Timestamp,
    ends_at: Timestamp,
    reason: Reason.optional(),
  })
  .superRefine((window, ctx) => {
    const problem = windowEndProblem(new Date(window.starts_at), new Date(window.ends_at));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: problem });
  });

export const UpdateMaintenanceWindowBody = z
  .strictObject({
    site_id: ResourceId.optional().describe('Move the window to another site; its check_id must then be one of that site\'s (or null)'),
    check_id: ResourceId.nullable().optional().describe("Only this check (one of the site's); null: the whole site"),
    starts_at: Timestamp.optional(),
    ends_at: Timestamp.optional(),
    reason: Reason.nullable().optional().describe('null removes the reason'),
  })
  .superRefine((window, ctx) => {
    if (window.starts_at === undefined || window.ends_at === undefined) return;
    const problem = windowEndProblem(new Date(window.starts_at), new Date(window.ends_at));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: problem });
  });

export const MaintenanceWindowSchema = z.object({
  id: z.uuid(),
  site_id: z.uuid(),
  check_id: z.uuid().nullable(),
  starts_at: Timestamp,
  ends_at: Timestamp,
  reason: z.string().nullable(),
  active: z.boolean().describe('Whether now is within the window'),
  created_at: Timestamp,
});

export const ListMaintenanceWindowsQuery = PageQuery.extend({
  site_id: ResourceId.optional(),
  check_id: ResourceId.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('`true`: only windows in effect now; `false`: only the others'),
});

export const createMaintenanceWindow = defineRoute({
  method: 'post',
  path: '/api/v1/maintenance-windows',
  operationId: 'createMaintenanceWindow',
  summary: 'Schedule maintenance for a site or one of its checks',
  description: 'No event is opened and no notification is sent for what a window covers while it is in effect.',
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'write' },
  body: CreateMaintenanceWindowBody,
  success: { status: 201, description: 'The window', schema: MaintenanceWindowSchema },
});

export const listMaintenanceWindows = defineRoute({
  method: 'get',
  path: '/api/v1/maintenance-windows',
  operationId: 'listMaintenanceWindows',
  summary: 'List maintenance windows, latest start first',
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'read' },
  query: ListMaintenanceWindowsQuery,
  success: { status: 200, description: 'A page of windows', schema: listOf(MaintenanceWindowSchema) },
});

export const getMaintenanceWindow = defineRoute({
  method: 'get',
  path: '/api/v1/maintenance-windows/:id',
  operationId: 'getMaintenanceWindow',
  summary: 'Get a maintenance window',
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The window', schema: MaintenanceWindowSchema },
  errors: [404],
});

export const updateMaintenanceWindow = defineRoute({
  method: 'patch',
  path: '/api/v1/maintenance-windows/:id',
  operationId: 'updateMaintenanceWindow',
  summary: "Change a maintenance window's times, scope or reason",
  description:
    `Only the fields given change; the window as changed must still end after it starts and last at most ${MAX_MAINTENANCE_WINDOW_DAYS} days (422 naming \`ends_at\` otherwise). The evaluator reads windows on each evaluation, so the change applies to the next results evaluated. A window of an archived site answers 409 \`site_archived\`.`,
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  body: UpdateMaintenanceWindowBody,
  success: { status: 200, description: 'The window as changed', schema: MaintenanceWindowSchema },
  errors: [404, 409],
});

export const deleteMaintenanceWindow = defineRoute({
  method: 'delete',
  path: '/api/v1/maintenance-windows/:id',
  operationId: 'deleteMaintenanceWindow',
  summary: 'Delete a maintenance window (ends it, if it is in effect)',
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 204, description: 'Deleted' },
  errors: [404],
});

export const maintenanceWindowsRoutes = [
  createMaintenanceWindow,
  listMaintenanceWindows,
  getMaintenanceWindow,
  updateMaintenanceWindow,
  deleteMaintenanceWindow,
] as const;
