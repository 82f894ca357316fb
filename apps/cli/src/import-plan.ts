import type { BodyInputOf, updateCheck, updateSite } from '@vigil/contracts';
import type { CheckJson, SiteJson } from './commands/lists';
import type { MaintenanceJson } from './commands/maintenance';
import { type CheckEntry, checkSettingsOf, checkKey, type ConfigFile, describeCheck, sameValue, type SiteEntry } from './config-file';
import { describeMaintenance, type MaintenanceEntry, maintenanceEntryOf, maintenanceKey } from './config-maintenance';

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export type Change =
  | { kind: 'site'; action: 'create'; slug: string; site: SiteEntry }
  | { kind: 'site'; action: 'update'; slug: string; siteId: string; patch: BodyInputOf<typeof updateSite>; fields: FieldChange[] }
  | { kind: 'site'; action: 'delete'; slug: string; siteId: string }
  | { kind: 'check'; action: 'create'; slug: string; check: CheckEntry }
  | { kind: 'check'; action: 'update'; slug: string; checkId: string; check: CheckEntry; patch: BodyInputOf<typeof updateCheck>; fields: FieldChange[] }
  | { kind: 'check'; action: 'delete'; slug: string; checkId: string; check: CheckJson }
  | { kind: 'maintenance'; action: 'create'; slug: string; window: MaintenanceEntry }
  | { kind: 'maintenance'; action: 'update'; slug: string; windowId: string; window: MaintenanceEntry; patch: { reason: string | null }; fields: FieldChange[] }
  | { kind: 'maintenance'; action: 'delete'; slug: string; windowId: string; window: MaintenanceEntry };

/** What the controller has now. */
export interface CurrentState {
  sites: readonly SiteJson[];
  checks: readonly CheckJson[];
  /** Maintenance windows; a file without `maintenance:` leaves them alone unless pruning. */
  windows?: readonly MaintenanceJson[];
}

export interface ImportPlan {
  changes: Change[];
  /** Checks (and sites, windows) the file does not list, left alone without --prune. */
  kept: { sites: number; checks: number; windows?: number };
}

/**
 * A site's windows: matched by everything but their reason (a changed time is another
 * window: the old one goes with --prune); a changed reason is an update.
 */
function windowChanges(entry: SiteEntry, site: SiteJson, current: CurrentState, prune: boolean): { changes: Change[]; kept: number } {
  const checks = new Map(current.checks.filter((check) => check.site_id === site.id).map((check) => [check.id, check]));
  const unmatched = (current.windows ?? [])
    .filter((window) => window.site_id === site.id)
    .flatMap((window) => {
      const asEntry = maintenanceEntryOf(window, checks);
      return asEntry === null ? [] : [{ id: window.id, entry: asEntry }];
    });
  const changes: Change[] = [];
  for (const wanted of entry.maintenance) {
    const index = unmatched.findIndex((window) => maintenanceKey(window.entry) === maintenanceKey(wanted));
    if (index === -1) {
      changes.push({ kind: 'maintenance', action: 'create', slug: entry.slug, window: wanted });
      continue;
    }
    const [found] = unmatched.splice(index, 1);
    const before = found.entry.reason ?? null;
    const after = wanted.reason ?? null;
    if (before !== after) {
      const fields = [{ field: 'reason', before: found.entry.reason, after: wanted.reason }];
      changes.push({ kind: 'maintenance', action: 'update', slug: entry.slug, windowId: found.id, window: wanted, patch: { reason: after }, fields });
    }
  }
  if (!prune) return { changes, kept: unmatched.length };
  changes.push(...unmatched.map((window): Change => ({ kind: 'maintenance', action: 'delete', slug: entry.slug, windowId: window.id, window: window.entry })));
  return { changes, kept: 0 };
}

function siteChanges(entry: SiteEntry, site: SiteJson): Change[] {
  const fields: FieldChange[] = [];
  if (entry.name !== site.name) fields.push({ field: 'name', before: site.name, after: entry.name });
  if (entry.public_status_page !== site.public_status_page) {
    fields.push({ field: 'public_status_page', before: site.public_status_page, after: entry.public_status_page });
  }
  if (entry.slo_target_pct !== site.slo_target_pct) fields.push({ field: 'slo_target_pct', before: site.slo_target_pct, after: entry.slo_target_pct });
  if (entry.slo_window_days !== site.slo_window_days) fields.push({ field: 'slo_window_days', before: site.slo_window_days, after: entry.slo_window_days });
  if (fields.length === 0) return [];
  const patch = Object.fromEntries(fields.map(({ field, after }) => [field, after]));
  return [{ kind: 'site', action: 'update', slug: entry.slug, siteId: site.id, patch, fields }];
}

function specChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => !sameValue(before[key], after[key])).map((key) => ({ field: `spec.${key}`, before: before[key], after: after[key] }));
}

function checkChanges(slug: string, entry: CheckEntry, check: CheckJson): Change[] {
  const fields: FieldChange[] = [];
  const patch: Record<string, unknown> = {};
  for (const field of checkSettingsOf(check.type)) {
    const settings = entry as Partial<Record<string, unknown>>;
    // The file leaves down_interval_s and degraded_latency_ms out to mean "none", which the API says as null.
    const wanted = field === 'down_interval_s' || field === 'degraded_latency_ms' ? (settings[field] ?? null) : settings[field];
    if (!sameValue(wanted, check[field])) {
      fields.push({ field, before: check[field], after: wanted });
      patch[field] = wanted;
    }
  }
  const spec = specChanges(check.spec, entry.spec);
  if (spec.length > 0) {
    fields.push(...spec);
    patch['spec'] = entry.spec;
  }
  if (fields.length === 0) return [];
  return [{ kind: 'check', action: 'update', slug, checkId: check.id, check: entry, patch, fields }];
}

/**
 * The changes that make the controller match the file: sites by slug, checks within a
 * site by (type, target, name). What the file does not list is deleted with `prune`
 * only. Checks are compared after the API's defaults are filled in on both sides, so a
 * file that leaves a default out matches a check that has it.
 */
export function planImport(file: ConfigFile, current: CurrentState, options: { prune: boolean }): ImportPlan {
  const changes: Change[] = [];
  const kept: ImportPlan['kept'] = { sites: 0, checks: 0 };
  const sitesBySlug = new Map(current.sites.map((site) => [site.slug, site]));
  const listed = new Set(file.sites.map((site) => site.slug));

  for (const entry of file.sites) {
    const site = sitesBySlug.get(entry.slug);
    if (site === undefined) {
      changes.push({ kind: 'site', action: 'create', slug: entry.slug, site: entry });
      changes.push(...entry.checks.map((check): Change => ({ kind: 'check', action: 'create', slug: entry.slug, check })));
      changes.push(...entry.maintenance.map((window): Change => ({ kind: 'maintenance', action: 'create', slug: entry.slug, window })));
      continue;
    }
    changes.push(...siteChanges(entry, site));
    // Oldest first, so that of two alike on the controller the file's entry keeps the older one.
    const unmatched = current.checks.filter((check) => check.site_id === site.id);
    for (const wanted of entry.checks) {
      const index = unmatched.findIndex((check) => checkKey(check) === checkKey(wanted));
      if (index === -1) {
        changes.push({ kind: 'check', action: 'create', slug: entry.slug, check: wanted });
        continue;
      }
      const [check] = unmatched.splice(index, 1);
      changes.push(...checkChanges(entry.slug, wanted, check));
    }
    if (options.prune) changes.push(...unmatched.map((check): Change => ({ kind: 'check', action: 'delete', slug: entry.slug, checkId: check.id, check })));
    else kept.checks += unmatched.length;
    const windows = windowChanges(entry, site, current, options.prune);
    changes.push(...windows.changes);
    if (windows.kept > 0) kept.windows = (kept.windows ?? 0) + windows.kept;
  }

  for (const site of current.sites) {
    if (listed.has(site.slug)) continue;
    if (options.prune) changes.push({ kind: 'site', action: 'delete', slug: site.slug, siteId: site.id });
    else kept.sites += 1;
  }
  return { changes, kept };
}

// ---------------------------------------------------------------------------
// Text.
// ---------------------------------------------------------------------------

function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeFields(fields: readonly FieldChange[]): string {
  return `(${fields.map(({ field, before, after }) => `${field} ${shown(before)} → ${shown(after)}`).join(', ')})`;
}

/** One line: `+ site example`, `~ check example: http https://example.com/ (interval_s 60 → 30)`, `- check …`. */
export function describeChange(change: Change): string {
  const sign = { create: '+', update: '~', delete: '-' }[change.action];
  if (change.kind === 'site') {
    return `${sign} site ${change.slug}${change.action === 'update' ? ` ${describeFields(change.fields)}` : ''}`;
  }
  if (change.kind === 'maintenance') {
    return `${sign} maintenance ${change.slug}: ${describeMaintenance(change.window)}${change.action === 'update' ? ` ${describeFields(change.fields)}` : ''}`;
  }
  return `${sign} check ${change.slug}: ${describeCheck(change.check)}${change.action === 'update' ? ` ${describeFields(change.fields)}` : ''}`;
}

function count(n: number, noun: string, verb: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'} ${verb}`;
}

export function summarizePlan(plan: ImportPlan): string {
  const tally = (kind: Change['kind'], action: Change['action']) => plan.changes.filter((c) => c.kind === kind && c.action === action).length;
  const parts: string[] = [];
  const nouns = { site: 'site', check: 'check', maintenance: 'maintenance window' } as const;
  for (const kind of ['site', 'check', 'maintenance'] as const) {
    for (const [action, verb] of [['create', 'created'], ['update', 'changed'], ['delete', 'deleted']] as const) {
      const n = tally(kind, action);
      if (n > 0) parts.push(count(n, nouns[kind], verb));
    }
  }
  const summary = parts.length === 0 ? 'no changes' : parts.join(', ');
  const windows = plan.kept.windows ?? 0;
  const keptParts = [
    plan.kept.sites > 0 ? count(plan.kept.sites, 'site', '') : '',
    plan.kept.checks > 0 ? count(plan.kept.checks, 'check', '') : '',
    windows > 0 ? count(windows, 'maintenance window', '') : '',
  ]
    .filter(Boolean)
    .map((part) => part.trim());
  const kept = keptParts.length === 0 ? '' : `; ${keptParts.join(' and ')} not in the file kept (--prune deletes them)`;
  return `${summary}${kept}`;
}
