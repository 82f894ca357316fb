import { CreateMaintenanceWindowBody } from '@vigil/contracts';
import { z } from 'zod';
import type { CheckJson } from './commands/lists';
import type { MaintenanceJson } from './commands/maintenance';

/**
 * A site's maintenance windows as code: a createMaintenanceWindow body without `site_id`
 * (the site it is listed under) and with `check` naming one of the site's checks by
 * (type, target, name) instead of `check_id`, which is per controller.
 */
export interface CheckRef {
  type: string;
  target: string;
  name?: string;
}

export interface MaintenanceEntry {
  check?: CheckRef;
  starts_at: string;
  ends_at?: string;
  rrule?: string;
  timezone?: string;
  duration_s?: number;
  reason?: string;
}

const PLACEHOLDER_SITE_ID = '00000000-0000-4000-8000-000000000000';
const CheckRefSchema = z.strictObject({ type: z.string(), target: z.string(), name: z.string().optional() });

/** A window's identity in a file: everything but its reason, times normalized, so an import matches it again. */
export function maintenanceKey(entry: MaintenanceEntry): string {
  const at = (t: string | undefined) => (t === undefined ? null : new Date(t).toISOString());
  const check = entry.check === undefined ? null : [entry.check.type, entry.check.target, entry.check.name ?? null];
  return JSON.stringify([check, at(entry.starts_at), at(entry.ends_at), entry.rrule?.toUpperCase() ?? null, entry.timezone ?? null, entry.duration_s ?? null]);
}

export function describeMaintenance(entry: MaintenanceEntry): string {
  const scope = entry.check === undefined ? '' : ` of ${entry.check.type} ${entry.check.target}${entry.check.name ? ` "${entry.check.name}"` : ''}`;
  const when = entry.rrule === undefined ? `${entry.starts_at} to ${entry.ends_at}` : `${entry.starts_at} ${entry.rrule} (${entry.timezone}, ${entry.duration_s} s)`;
  return `${when}${scope}`;
}

export type ProblemsOf = (prefix: string, error: z.ZodError) => string[];

/** One entry of a site's `maintenance:` list, judged as the API would judge its body. */
export function parseMaintenance(raw: unknown, path: string, problemsOf: ProblemsOf): { window?: MaintenanceEntry; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [`${path}: must be a mapping`] };
  const { check, ...rest } = raw as Record<string, unknown>;
  if ('site_id' in rest || 'check_id' in rest) {
    return { problems: [`${path}: site_id and check_id are not allowed here; a window belongs to the site it is listed under, and names its check by check:`] };
  }
  const ref = check === undefined ? undefined : CheckRefSchema.safeParse(check, { reportInput: true });
  const body = CreateMaintenanceWindowBody.safeParse({ ...rest, site_id: PLACEHOLDER_SITE_ID }, { reportInput: true });
  const problems = [...(ref === undefined || ref.success ? [] : problemsOf(`${path}.check`, ref.error)), ...(body.success ? [] : problemsOf(path, body.error))];
  if (!body.success || (ref !== undefined && !ref.success)) return { problems };
  // site_id is the placeholder and check_id was refused above: neither belongs to the entry.
  const window: Record<string, unknown> & MaintenanceEntry = { ...body.data };
  delete window['site_id'];
  delete window['check_id'];
  return { window: { ...window, ...(ref === undefined ? {} : { check: ref.data }) }, problems };
}

/** A window as the file has it; null when its check is gone (deleted checks are not exported). */
export function maintenanceEntryOf(window: MaintenanceJson, checks: ReadonlyMap<string, CheckJson>): MaintenanceEntry | null {
  const check = window.check_id === null ? undefined : checks.get(window.check_id);
  if (window.check_id !== null && check === undefined) return null;
  return {
    ...(check === undefined ? {} : { check: { type: check.type, target: check.target, ...(check.name === null ? {} : { name: check.name }) } }),
    starts_at: window.starts_at,
    // A one-off window always has an end; only an open-ended series has none.
    ...(window.rrule === null
      ? { ends_at: window.ends_at ?? undefined }
      : { rrule: window.rrule, timezone: window.timezone ?? undefined, duration_s: window.duration_s ?? undefined }),
    ...(window.reason === null ? {} : { reason: window.reason }),
  };
}
