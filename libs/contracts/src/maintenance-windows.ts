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

const Rrule = z
  .string()
  .min(1)
  .max(500)
  .describe(
    'RFC 5545 RRULE value (`FREQ=WEEKLY;BYDAY=SU`): a recurring window. `starts_at` is DTSTART, read as local time in `timezone`. Without COUNT or UNTIL the series goes on (open-ended); with them it has at most 2000 occurrences within 5 years',
  );
const TimeZone = z.string().min(1).max(64).describe('IANA time zone the rule\'s local times are read in (`Europe/Paris`); required with `rrule`');
const DurationS = z
  .number()
  .int()
  .min(1)
  .max(MAX_MAINTENANCE_WINDOW_DAYS * 24 * 3600)
  .describe('Length of each occurrence in seconds; required with `rrule`');

type RecurrenceFields = { rrule?: string | null; timezone?: string | null; duration_s?: number | null; ends_at?: string };

/** A recurring window names its rule, zone and duration together, and has no `ends_at` of its own (it is the series' end). */
function recurrenceShapeProblems(window: RecurrenceFields, ctx: z.RefinementCtx, creating: boolean): void {
  const recurring = typeof window.rrule === 'string';
  if (recurring) {
    if (creating && window.timezone === undefined) ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'is required with rrule' });
    if (creating && window.duration_s === undefined) ctx.addIssue({ code: 'custom', path: ['duration_s'], message: 'is required with rrule' });
    if (window.ends_at !== undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: "must be omitted with rrule: a recurring window ends with its series' last occurrence" });
    return;
  }
  if (!creating && window.rrule === undefined) return;
  for (const field of ['timezone', 'duration_s'] as const) {
    if (window[field] !== undefined && window[field] !== null) ctx.addIssue({ code: 'custom', path: [field], message: 'is only for a recurring window (with rrule)' });
  }
  if (creating && window.ends_at === undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'is required (or rrule, for a recurring window)' });
}

export const CreateMaintenanceWindowBody = z
  .strictObject({
    site_id: ResourceId,
    check_id: ResourceId.optional().describe("Only this check (one of the site's); the whole site when omitted"),
    starts_at: Timestamp.describe('The start; for a recurring window, DTSTART (the first occurrence\'s start)'),
    ends_at: Timestamp.optional().describe('The end of a one-off window; omitted for a recurring one'),
    reason: Reason.optional(),
    rrule: Rrule.optional(),
    timezone: TimeZone.optional(),
    duration_s: DurationS.optional(),
  })
  .superRefine((window, ctx) => {
    recurrenceShapeProblems(window, ctx, true);
    if (window.rrule !== undefined || window.ends_at === undefined) return;
    const problem = windowEndProblem(new Date(window.starts_at), new Date(window.ends_at));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: problem });
  });

export const UpdateMaintenanceWindowBody = z
  .strictObject({
    site_id: ResourceId.optional().describe('Move the window to another site; its check_id must then be one of that site\'s (or null)'),
    check_id: ResourceId.nullable().optional().describe("Only this check (one of the site's); null: the whole site"),
    starts_at: Timestamp.optional(),
    ends_at: Timestamp.optional().describe('A one-off window\'s end; not with a recurring window'),
    reason: Reason.nullable().optional().describe('null removes the reason'),
    rrule: Rrule.nullable().optional().describe('A new rule; null makes the window one-off again (then `ends_at` is required)'),
    timezone: TimeZone.optional(),
    duration_s: DurationS.optional(),
  })
  .superRefine((window, ctx) => {
    recurrenceShapeProblems(window, ctx, false);
    if (window.rrule === null && window.ends_at === undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'is required when rrule is removed' });
    if (window.starts_at === undefined || window.ends_at === undefined) return;
    const problem = windowEndProblem(new Date(window.starts_at), new Date(window.ends_at));
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['ends_at'], message: problem });
  });

export const MaintenanceOccurrenceSchema = z.object({ starts_at: Timestamp, ends_at: Timestamp });

/** How many occurrences a window's JSON lists (`next_occurrences`). */
export const NEXT_OCCURRENCES = 3;

export const MaintenanceWindowSchema = z.object({
  id: z.uuid(),
  site_id: z.uuid(),
  check_id: z.uuid().nullable(),
  starts_at: Timestamp,
  ends_at: Timestamp.nullable().describe('One-off: the end; recurring: the end of the last occurrence, null for an open-ended series (no COUNT or UNTIL)'),
  reason: z.string().nullable(),
  rrule: z.string().nullable().describe('Null: a one-off window'),
  rule_text: z.string().nullable().describe('The rule in English words, local times in `timezone` (`every week on Sunday at 2 AM`): for display only; null for a one-off window'),
  timezone: z.string().nullable(),
  duration_s: z.number().int().nullable(),
  active: z.boolean().describe('Whether now is within the window (for a recurring one: within an occurrence)'),
  next_occurrences: z
    .array(MaintenanceOccurrenceSchema)
    .describe(`The occurrence in effect now, if any, and the next ones: at most ${NEXT_OCCURRENCES} (a one-off window is its one occurrence)`),
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
    `Only the fields given change; the window as changed must still end after it starts and last at most ${MAX_MAINTENANCE_WINDOW_DAYS} days (422 naming \`ends_at\` otherwise); a recurring one must keep a valid rule (422 naming \`rrule\`, \`timezone\` or \`duration_s\`), and its \`ends_at\` follows its series (null while it is open-ended). The evaluator reads windows on each evaluation, so the change applies to the next results evaluated. A window of an archived site answers 409 \`site_archived\`.`,
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

export const MaintenanceAtQuery = z.strictObject({
  at: Timestamp.optional().describe('The instant asked about; now when omitted'),
  check_id: ResourceId.optional().describe("One of the site's checks: its windows count with the site's; only whole-site windows when omitted"),
});

export const MaintenanceAtSchema = z.object({
  site_id: z.uuid(),
  check_id: z.uuid().nullable(),
  at: Timestamp,
  in_maintenance: z.boolean(),
  window_id: z.uuid().nullable().describe('The window covering `at`, if any (the latest to start when several do)'),
  occurrence: MaintenanceOccurrenceSchema.nullable().describe('Its occurrence covering `at` (a one-off window: the window itself)'),
});

export const getSiteMaintenance = defineRoute({
  method: 'get',
  path: '/api/v1/sites/:id/maintenance',
  operationId: 'getSiteMaintenance',
  summary: 'Whether a site, or one of its checks, is in maintenance at a time, and by which window',
  description:
    "For audit: the answer the evaluator gives a result checked at `at`, from the windows as they are now (a window changed or deleted since answers as changed). An archived site's windows still answer.",
  tags: ['maintenance-windows'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  query: MaintenanceAtQuery,
  success: { status: 200, description: 'The answer', schema: MaintenanceAtSchema },
  errors: [404],
});

export const maintenanceWindowsRoutes = [
  getSiteMaintenance,
  createMaintenanceWindow,
  listMaintenanceWindows,
  getMaintenanceWindow,
  updateMaintenanceWindow,
  deleteMaintenanceWindow,
] as const;
