import { readFile } from 'node:fs/promises';
import {
  CONTROLLER_LOCATION,
  createCheck,
  createMaintenanceWindow,
  createSite,
  deleteCheck,
  deleteMaintenanceWindow,
  deleteSite,
  listChecks,
  listMaintenanceWindows,
  listRunners,
  listSites,
  updateCheck,
  updateMaintenanceWindow,
  updateSite,
} from '@vigil/contracts';
import type { ApiClient } from '../api-client';
import { checkKey, type ConfigFile, parseConfigFile } from '../config-file';
import { CliError, type Command } from '../context';
import { type Change, describeChange, planImport, summarizePlan } from '../import-plan';

async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const outcome = parseConfigFile(text);
  if (!outcome.ok) throw invalidFile(path, outcome.problems);
  return outcome.file;
}

function invalidFile(path: string, problems: readonly string[]): CliError {
  const heading = `${path} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was changed:`;
  return new CliError([heading, ...problems.map((problem) => `  ${problem}`)].join('\n'), 2);
}

/** The runner locations a check of the file names (a heartbeat names none: its one location is implied). */
const namedLocations = (check: ConfigFile['sites'][number]['checks'][number]): readonly string[] => ('locations' in check ? check.locations : []);

/** Locations must name runners that exist and are not revoked: found now, before anything changes. */
async function locationProblems(api: ApiClient, file: ConfigFile): Promise<string[]> {
  const named = file.sites.some((site) => site.checks.some((check) => namedLocations(check).some((location) => location !== CONTROLLER_LOCATION)));
  if (!named) return [];
  const active = new Set((await api.listAll(listRunners)).filter((runner) => runner.revoked_at === null).map((runner) => runner.slug));
  const problems: string[] = [];
  file.sites.forEach((site, siteIndex) =>
    site.checks.forEach((check, checkIndex) =>
      namedLocations(check).forEach((location, index) => {
        if (location !== CONTROLLER_LOCATION && !active.has(location)) {
          problems.push(`sites[${siteIndex}].checks[${checkIndex}].locations[${index}]: no active runner has the slug "${location}"`);
        }
      }),
    ),
  );
  return problems;
}

/** Ids the changes need: sites by slug, checks by `slug key` (those created on the way included). */
interface Ids {
  sites: Map<string, string>;
  checks: Map<string, string>;
}

async function applyWindow(api: ApiClient, change: Extract<Change, { kind: 'maintenance' }>, ids: Ids): Promise<void> {
  if (change.action === 'update') return void (await api.request(updateMaintenanceWindow, { params: { id: change.windowId }, body: change.patch }));
  if (change.action === 'delete') return void (await api.request(deleteMaintenanceWindow, { params: { id: change.windowId } }));
  const siteId = ids.sites.get(change.slug);
  if (siteId === undefined) throw new Error(`no id for site ${change.slug}`);
  const { check, ...window } = change.window;
  const checkId = check === undefined ? undefined : ids.checks.get(`${change.slug} ${checkKey(check)}`);
  if (check !== undefined && checkId === undefined) throw new Error(`no id for the check of ${change.slug} the window names`);
  await api.request(createMaintenanceWindow, { body: { ...window, site_id: siteId, ...(checkId === undefined ? {} : { check_id: checkId }) } });
}

async function apply(api: ApiClient, change: Change, ids: Ids): Promise<void> {
  const siteIds = ids.sites;
  if (change.kind === 'maintenance') return applyWindow(api, change, ids);
  if (change.kind === 'site') {
    if (change.action === 'create') {
      const { slug, name, public_status_page, slo_target_pct, slo_window_days } = change.site;
      siteIds.set(slug, (await api.request(createSite, { body: { slug, name, public_status_page, slo_target_pct, slo_window_days } })).id);
    } else if (change.action === 'update') await api.request(updateSite, { params: { id: change.siteId }, body: change.patch });
    else await api.request(deleteSite, { params: { id: change.siteId } });
    return;
  }
  if (change.action === 'create') {
    const siteId = siteIds.get(change.slug);
    if (siteId === undefined) throw new Error(`no id for site ${change.slug}`);
    const created = await api.request(createCheck, { body: { ...change.check, site_id: siteId } });
    ids.checks.set(`${change.slug} ${checkKey(created)}`, created.id);
  } else if (change.action === 'update') await api.request(updateCheck, { params: { id: change.checkId }, body: change.patch });
  else await api.request(deleteCheck, { params: { id: change.checkId } });
}

export const importCommand: Command = {
  name: 'import',
  summary: "Make the controller's sites and checks match a YAML file",
  description: [
    'Sites are matched by slug, checks within a site by (type, target, name), maintenance windows',
    'by everything but their reason: missing ones are created and differing ones changed. Sites,',
    'checks and windows the file does not list are kept unless --prune is given. The whole file is checked first; any problem is reported with its path and',
    'nothing is changed. Importing the same file again changes nothing.',
  ].join('\n'),
  args: [{ name: 'file', description: 'A file written by vigil export, or by hand in the same format' }],
  flags: {
    'dry-run': { type: 'boolean', description: 'Print the changes without making them' },
    prune: { type: 'boolean', description: 'Also delete the sites, checks and maintenance windows the file does not list (a site goes with its events)' },
  },
  api: true,
  async run(ctx) {
    const path = ctx.args['file'];
    const file = await readConfigFile(path);
    const api = ctx.api();
    const problems = await locationProblems(api, file);
    if (problems.length > 0) throw invalidFile(path, problems);
    const [sites, checks, windows] = [await api.listAll(listSites), await api.listAll(listChecks), await api.listAll(listMaintenanceWindows)];
    const plan = planImport(file, { sites, checks, windows }, { prune: ctx.flags['prune'] === true });
    const dryRun = ctx.flags['dry-run'] === true;

    const slugs = new Map(sites.map((site) => [site.id, site.slug]));
    const ids: Ids = {
      sites: new Map(sites.map((site) => [site.slug, site.id])),
      checks: new Map(checks.map((check) => [`${slugs.get(check.site_id)} ${checkKey(check)}`, check.id])),
    };
    let applied = 0;
    for (const change of plan.changes) {
      if (!ctx.json) ctx.print(describeChange(change));
      if (dryRun) continue;
      try {
        await apply(api, change, ids);
      } catch (error) {
        const done = applied === 0 ? 'nothing was changed' : `${applied} change${applied === 1 ? ' was' : 's were'} made before it`;
        throw new CliError(`${describeChange(change)} failed: ${(error as Error).message} (${done})`);
      }
      applied += 1;
    }
    const summary = summarizePlan(plan);
    if (ctx.json) return ctx.printJson({ dry_run: dryRun, changes: plan.changes.map(describeChange), kept: plan.kept, summary });
    ctx.print(dryRun ? `Dry run, nothing changed: ${summary}.` : `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`);
  },
};
