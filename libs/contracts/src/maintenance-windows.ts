import { z } from 'zod';
import { IdParams, listOf, PageQuery, ResourceId, Timestamp } from './common';
import { defineRoute } from './route';

/** The longest window: longer maintenance is a paused check, not a window. */
export const MAX_MAINTENANCE_WINDOW_DAYS = 31;
const MAX_WINDOW_MS = MAX_MAINTENANCE_WINDOW_DAYS * 24 * 3600 * 1000;

export const CreateMaintenanceWindowBody = z
  .strictObject({
    site_id: ResourceId,
    check_id: ResourceId.optional().describe("Only this check (one of the site's); the whole site when omitted"),
    starts_at: Timestamp,
    ends_at: Timestamp,
    reason: z.string().max(500).optional(),
  })
  .superRefine((window, ctx) => {
    const length = Date.parse(window.ends_at) - Date.parse(window.starts_at);
    if (length <= 0) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'must be after starts_at' });
    else if (length > MAX_WINDOW_MS) {
      ctx.addIssue({ code: 'custom', path: ['ends_at'], message: `must be at most ${MAX_MAINTENANCE_WINDOW_DAYS} days after starts_at` });
    }
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

export const maintenanceWindowsRoutes = [createMaintenanceWindow, listMaintenanceWindows, getMaintenanceWindow, deleteMaintenanceWindow] as const;
