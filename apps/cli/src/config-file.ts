import { CHECK_TYPES, type CheckType, type CreateCheck, CreateCheckBody, CreateSiteBody, fieldName, Slug } from '@vigil/contracts';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { CheckJson, SiteJson } from './commands/lists';
import type { MaintenanceJson } from './commands/maintenance';
import { type MaintenanceEntry, maintenanceEntryOf, maintenanceKey, parseMaintenance } from './config-maintenance';

/**
 * Sites and their checks as code (like Gatus's config): what `vigil export` writes and
 * `vigil import` reads. A check is a createCheck body without `site_id` (its site is the
 * one it is listed under); fields left out take the API's defaults.
 */
export type CheckEntry = CreateCheck extends infer Body ? (Body extends unknown ? Omit<Body, 'site_id'> : never) : never;

export interface SiteEntry {
  slug: string;
  name: string;
  public_status_page: boolean;
  /** The site's availability objective in percent; null (left out of the file): none. */
  slo_target_pct: number | null;
  /** The objective's window in days (left out: 30). */
  slo_window_days: number;
  checks: CheckEntry[];
  /** Its maintenance windows; empty when the file lists none. */
  maintenance: MaintenanceEntry[];
}

export interface ConfigFile {
  sites: SiteEntry[];
}

export type ParseOutcome = { ok: true; file: ConfigFile } | { ok: false; problems: string[] };

// Any valid uuid: each check is validated as a createCheck body, whose site_id is not the file's to give.
const PLACEHOLDER_SITE_ID = '00000000-0000-4000-8000-000000000000';

const FileSchema = z.strictObject({ sites: z.array(z.unknown()) });
const SiteEntrySchema = CreateSiteBody.extend({
  slug: Slug.describe('Matches the site on the controller'),
  checks: z.array(z.unknown()).default([]),
  maintenance: z.array(z.unknown()).default([]),
});

function joinPath(prefix: string, relative: string): string {
  if (relative === '') return prefix;
  return relative.startsWith('[') || prefix === '' ? `${prefix}${relative}` : `${prefix}.${relative}`;
}

function problemsOf(prefix: string, error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const field = joinPath(prefix, fieldName(issue.path));
    // Named one by one, as the spec schemas do, so a typo points at itself.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${joinPath(field, fieldName([key]))}: is not a known field`);
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return [field === '' ? message : `${field}: ${message}`];
  });
}

/** The key a check is matched by, in a site: its type, normalized target and name. */
export function checkKey(check: { type: string; target: string; name?: string | null }): string {
  return JSON.stringify([check.type, check.target, check.name ?? null]);
}

export function describeCheck(check: { type: string; target: string; name?: string | null }): string {
  return `${check.type} ${check.target}${check.name ? ` "${check.name}"` : ''}`;
}

function withoutSiteId(body: CreateCheck): CheckEntry {
  const entry: Partial<CreateCheck> = { ...body };
  delete entry.site_id;
  return entry as CheckEntry;
}

function parseCheck(raw: unknown, path: string): { check?: CheckEntry; problems: string[] } {
  if (isObject(raw) && 'site_id' in raw) {
    return { problems: [`${path}.site_id: is not allowed here; a check belongs to the site it is listed under`] };
  }
  const parsed = CreateCheckBody.safeParse(isObject(raw) ? { ...raw, site_id: PLACEHOLDER_SITE_ID } : raw, { reportInput: true });
  if (!parsed.success) return { problems: problemsOf(path, parsed.error) };
  return { check: withoutSiteId(parsed.data), problems: [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSite(raw: unknown, path: string): { site?: SiteEntry; problems: string[] } {
  const parsed = SiteEntrySchema.safeParse(raw, { reportInput: true });
  const problems = parsed.success ? [] : problemsOf(path, parsed.error);
  // The checks are checked even when the site's own fields are wrong: every problem is reported at once.
  const rawChecks = parsed.success ? parsed.data.checks : isObject(raw) && Array.isArray(raw['checks']) ? raw['checks'] : [];
  const checks: CheckEntry[] = [];
  const seen = new Map<string, number>();
  rawChecks.forEach((rawCheck, index) => {
    const checkPath = `${path}.checks[${index}]`;
    const outcome = parseCheck(rawCheck, checkPath);
    problems.push(...outcome.problems);
    if (outcome.check === undefined) return;
    const key = checkKey(outcome.check);
    const earlier = seen.get(key);
    // Checks are matched by (type, target, name): two alike could not be told apart.
    if (earlier !== undefined) problems.push(`${checkPath}: is the same check as ${path}.checks[${earlier}] (same type, target and name); give one a name`);
    else seen.set(key, index);
    checks.push(outcome.check);
  });
  const maintenance = parsed.success ? parseWindows(parsed.data.maintenance, path, checks, problems) : [];
  if (!parsed.success) return { problems };
  const { slug, name, public_status_page } = parsed.data;
  const slo = { slo_target_pct: parsed.data.slo_target_pct ?? null, slo_window_days: parsed.data.slo_window_days ?? SLO_WINDOW_DAYS_DEFAULT };
  return { site: { slug, name, public_status_page, ...slo, checks, maintenance }, problems };
}

/** A site's `maintenance:` entries: each a valid window whose `check`, if any, is one listed under the site. */
function parseWindows(rawWindows: unknown[], path: string, checks: readonly CheckEntry[], problems: string[]): MaintenanceEntry[] {
  const listed = new Set(checks.map(checkKey));
  const seen = new Map<string, number>();
  const windows: MaintenanceEntry[] = [];
  rawWindows.forEach((raw, index) => {
    const windowPath = `${path}.maintenance[${index}]`;
    const outcome = parseMaintenance(raw, windowPath, problemsOf);
    problems.push(...outcome.problems);
    if (outcome.window === undefined) return;
    if (outcome.window.check !== undefined && !listed.has(checkKey(outcome.window.check))) {
      problems.push(`${windowPath}.check: is not a check listed under this site (same type, target and name)`);
      return;
    }
    const key = maintenanceKey(outcome.window);
    const earlier = seen.get(key);
    // Windows are matched by everything but their reason: two alike could not be told apart.
    if (earlier !== undefined) problems.push(`${windowPath}: is the same window as ${path}.maintenance[${earlier}]`);
    else seen.set(key, index);
    windows.push(outcome.window);
  });
  return windows;
}

/** Parses and validates a file's text: every problem is reported, with its path (`sites[2].checks[0].interval_s: …`). */
export function parseConfigFile(text: string): ParseOutcome {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, problems: document.errors.map((error) => error.message.split('\n')[0].replace(/:$/, '')) };
  }
  const content: unknown = document.toJS() ?? {};
  if (!isObject(content)) return { ok: false, problems: ['the file must be a mapping with a "sites:" list at the top'] };
  const root = FileSchema.safeParse(content, { reportInput: true });
  if (!root.success) return { ok: false, problems: problemsOf('', root.error) };
  const problems: string[] = [];
  const sites: SiteEntry[] = [];
  const seen = new Map<string, number>();
  root.data.sites.forEach((rawSite, index) => {
    const path = `sites[${index}]`;
    const outcome = parseSite(rawSite, path);
    problems.push(...outcome.problems);
    if (outcome.site === undefined) return;
    const earlier = seen.get(outcome.site.slug);
    if (earlier !== undefined) problems.push(`${path}.slug: "${outcome.site.slug}" is already the slug of sites[${earlier}]`);
    else seen.set(outcome.site.slug, index);
    sites.push(outcome.site);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, file: { sites } };
}

// ---------------------------------------------------------------------------
// Export.
// ---------------------------------------------------------------------------

/** Values compared by content: object keys in any order, absent and undefined alike. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const EXAMPLE_TARGETS: Record<CheckType, string> = { http: 'http://example.com/', tcp: 'example.com:80', dns: 'example.com', tls_cert: 'example.com', icmp: 'example.com', heartbeat: 'nightly-backup' };

/** What a check of this type is when only its type and target are given: the API's defaults. */
function defaultsOf(type: CheckType): CheckEntry {
  return withoutSiteId(CreateCheckBody.parse({ site_id: PLACEHOLDER_SITE_ID, type, target: EXAMPLE_TARGETS[type] }));
}

const DEFAULTS = Object.fromEntries(CHECK_TYPES.map((type) => [type, defaultsOf(type)])) as Record<CheckType, CheckEntry>;
const SITE_DEFAULTS = CreateSiteBody.parse({ name: 'example' });
/** The database's default for `sites.slo_window_days`. */
const SLO_WINDOW_DAYS_DEFAULT = 30;

/** The settings of a check that a file carries besides type, target, name and spec. */
export const CHECK_SETTINGS = [
  'interval_s',
  'down_interval_s',
  'timeout_ms',
  'degraded_latency_ms',
  'locations',
  'failing_threshold',
  'passing_threshold',
  'failing_locations_threshold',
  'enabled',
  'export_metrics',
] as const satisfies ReadonlyArray<keyof CheckJson>;

/** The settings a file carries for a check of `type`: a heartbeat's schedule follows from its spec. */
export function checkSettingsOf(type: CheckType): ReadonlyArray<(typeof CHECK_SETTINGS)[number]> {
  return type === 'heartbeat' ? ['enabled', 'export_metrics'] : CHECK_SETTINGS;
}

/** A check as the file has it: fields at their default value are left out. */
export function checkEntryOf(check: CheckJson): Record<string, unknown> {
  const defaults = DEFAULTS[check.type] as Record<string, unknown>;
  const entry: Record<string, unknown> = {};
  if (check.name !== null) entry['name'] = check.name;
  entry['type'] = check.type;
  entry['target'] = check.target;
  for (const field of checkSettingsOf(check.type)) {
    const value = check[field];
    if (value !== null && !sameValue(value, defaults[field])) entry[field] = value;
  }
  const defaultSpec = defaults['spec'] as Record<string, unknown>;
  const spec = Object.fromEntries(Object.entries(check.spec).filter(([key, value]) => !sameValue(value, defaultSpec[key])));
  if (Object.keys(spec).length > 0) entry['spec'] = spec;
  return entry;
}

export function siteEntryOf(site: SiteJson, checks: readonly CheckJson[], windows: readonly MaintenanceJson[] = []): Record<string, unknown> {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const maintenance = windows.flatMap((window) => maintenanceEntryOf(window, byId) ?? []);
  return {
    slug: site.slug,
    name: site.name,
    ...(site.public_status_page === SITE_DEFAULTS.public_status_page ? {} : { public_status_page: site.public_status_page }),
    ...(site.slo_target_pct === null ? {} : { slo_target_pct: site.slo_target_pct }),
    ...(site.slo_window_days === SLO_WINDOW_DAYS_DEFAULT ? {} : { slo_window_days: site.slo_window_days }),
    checks: checks.map(checkEntryOf),
    ...(maintenance.length === 0 ? {} : { maintenance }),
  };
}

const HEADER = '# Vigil sites and checks. `vigil import <file>` makes a controller match this file;\n# fields left out take their default values.\n';

/** The file's content: every site with its checks and maintenance windows, in the API's order. */
export function configDocument(
  sites: readonly SiteJson[],
  checks: readonly CheckJson[],
  windows: readonly MaintenanceJson[] = [],
): { sites: Array<Record<string, unknown>> } {
  return {
    sites: sites.map((site) =>
      siteEntryOf(
        site,
        checks.filter((check) => check.site_id === site.id),
        windows.filter((window) => window.site_id === site.id),
      ),
    ),
  };
}

export function formatConfigFile(sites: readonly SiteJson[], checks: readonly CheckJson[], windows: readonly MaintenanceJson[] = []): string {
  // lineWidth 0: a long URL or header stays on one line instead of being folded.
  return `${HEADER}${stringify(configDocument(sites, checks, windows), { lineWidth: 0 })}`;
}
