import { createSite, deleteSite, getSiteSlo, listSites, ResourceId, restoreSite, Slug, updateSite } from '@vigil/contracts';
import type { ApiClient } from '../api-client';
import { CliError, type Command, type CommandContext, stringFlag, UsageError } from '../context';
import { booleanFlag, given, integerFlag, requireChange } from './flags';
import type { SiteJson } from './lists';

const SITE_ARG = { name: 'site', description: "The site's slug (or its id)" };
const PUBLIC_FLAG = { type: 'boolean', negatable: true, description: 'Show the site on the public status page (--no-public-status-page: hide it)' } as const;
const SLO_FLAG = { type: 'string', value: 'PCT', description: 'Availability objective in percent, e.g. 99.9 (none: remove it)' } as const;
const SLO_WINDOW_FLAG = { type: 'string', value: 'DAYS', description: 'The window the objective is measured over, 1 to 365 days (default 30)' } as const;

/** `--slo 99.9` → 99.9, `--slo none` → null (no objective); its range is the API's to check. */
function sloFlag(ctx: CommandContext): number | null | undefined {
  const value = stringFlag(ctx.flags, 'slo');
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--slo must be a percentage such as 99.9, or none (got "${value}")`);
  return Number(value);
}

function sloFields(ctx: CommandContext) {
  return given({ slo_target_pct: sloFlag(ctx), slo_window_days: integerFlag(ctx, 'slo-window') });
}

/**
 * The id of the site `ref` names: an id as it is, a slug looked up among the live sites (or,
 * with `archived`, among the archived ones, which keep their slug until purged).
 */
export async function siteId(api: ApiClient, ref: string, archived = false): Promise<string> {
  if (ResourceId.safeParse(ref).success) return ref;
  if (!Slug.safeParse(ref).success) throw new UsageError(`<site> must be a site slug or id (got "${ref}")`);
  const [site] = (await api.request(listSites, { query: { slug: ref, limit: 1, ...(archived ? { archived: 'true' as const } : {}) } })).data;
  if (site === undefined) throw new CliError(`no ${archived ? 'archived ' : ''}site has the slug "${ref}"`);
  return site.id;
}

function describeSite(site: SiteJson): string {
  const slo = site.slo_target_pct === null ? '' : `, SLO ${site.slo_target_pct}% over ${site.slo_window_days} days`;
  return `"${site.slug}" (${site.name}, public status page: ${site.public_status_page ? 'yes' : 'no'}${slo}), id ${site.id}`;
}

function printSite(ctx: CommandContext, verb: string, site: SiteJson): void {
  if (ctx.json) return ctx.printJson(site);
  ctx.print(`${verb} site ${describeSite(site)}.`);
}

export const sitesCreate: Command = {
  name: 'sites create',
  summary: 'Create a site',
  description: 'Its checks are added with vigil checks create --site SLUG.',
  args: [{ name: 'name', description: 'A name for people, e.g. "Shop (EU)"' }],
  flags: {
    slug: { type: 'string', value: 'SLUG', description: 'A unique URL-safe name (default: from the name, "shop-eu")' },
    'public-status-page': PUBLIC_FLAG,
    slo: SLO_FLAG,
    'slo-window': SLO_WINDOW_FLAG,
  },
  api: true,
  async run(ctx) {
    const body = { name: ctx.args['name'], ...given({ slug: stringFlag(ctx.flags, 'slug'), public_status_page: booleanFlag(ctx, 'public-status-page') }), ...sloFields(ctx) };
    printSite(ctx, 'Created', await ctx.api().request(createSite, { body }));
  },
};

export const sitesUpdate: Command = {
  name: 'sites update',
  summary: "Change a site's name, slug or status page visibility",
  description: 'Only the fields given change. An archived site cannot be changed: restore it first.',
  args: [SITE_ARG],
  flags: {
    name: { type: 'string', value: 'NAME', description: 'A new name' },
    slug: { type: 'string', value: 'SLUG', description: 'A new slug' },
    'public-status-page': PUBLIC_FLAG,
    slo: SLO_FLAG,
    'slo-window': SLO_WINDOW_FLAG,
  },
  api: true,
  async run(ctx) {
    const body = {
      ...given({ name: stringFlag(ctx.flags, 'name'), slug: stringFlag(ctx.flags, 'slug'), public_status_page: booleanFlag(ctx, 'public-status-page') }),
      ...sloFields(ctx),
    };
    requireChange(body, ['name', 'slug', 'public-status-page', 'slo', 'slo-window']);
    const api = ctx.api();
    printSite(ctx, 'Changed', await api.request(updateSite, { params: { id: await siteId(api, ctx.args['site']) }, body }));
  },
};

export const sitesDelete: Command = {
  name: 'sites delete',
  summary: 'Archive a site (its checks stop; its events stay); --purge erases an archived one',
  description: [
    'Deleting a site archives it: it leaves the lists and its checks stop, but its events and',
    'results stay readable and vigil sites restore brings it back (its slug stays taken meanwhile).',
    'With --purge, an archived site is erased for good with its checks, results and events (admin key).',
  ].join('\n'),
  args: [SITE_ARG],
  flags: { purge: { type: 'boolean', description: 'Erase an archived site for good (needs an admin key)' } },
  api: true,
  async run(ctx) {
    const purge = ctx.flags['purge'] === true;
    const api = ctx.api();
    const ref = ctx.args['site'];
    const id = await siteId(api, ref, purge);
    await api.request(deleteSite, { params: { id }, query: purge ? { purge: 'true' } : {} });
    if (ctx.json) return ctx.printJson({ id, ...(purge ? { purged: true } : { archived: true }) });
    ctx.print(purge ? `Purged site "${ref}": it is gone with its checks, results and events.` : `Archived site "${ref}"; vigil sites restore ${ref} brings it back.`);
  },
};

export const sitesRestore: Command = {
  name: 'sites restore',
  summary: 'Restore an archived site: listed again, its enabled checks run again',
  args: [SITE_ARG],
  api: true,
  async run(ctx) {
    const api = ctx.api();
    printSite(ctx, 'Restored', await api.request(restoreSite, { params: { id: await siteId(api, ctx.args['site'], true) } }));
  },
};

const percent = (ratio: number | null, digits = 3) => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(digits)}%`);
const burn = (rate: number | null) => (rate === null ? 'n/a' : `${rate.toFixed(rate >= 100 ? 0 : 2)}x`);

export const sitesSlo: Command = {
  name: 'sites slo',
  summary: "Show a site's SLO: availability, error budget, burn rates and burn alert",
  description: 'Set the objective with vigil sites update <site> --slo 99.9 --slo-window 30.',
  args: [SITE_ARG],
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const slo = await api.request(getSiteSlo, { params: { id: await siteId(api, ctx.args['site']) } });
    if (ctx.json) return ctx.printJson(slo);
    const lines = [
      slo.target_pct === null ? `No objective (set one with --slo); window ${slo.window_days} days` : `Objective:    ${slo.target_pct}% over ${slo.window_days} days`,
      `Availability: ${percent(slo.availability)} (${Math.round(slo.down_s / 60)} min down, ${Math.round(slo.excluded_s / 60)} min left out: maintenance, unknown)`,
    ];
    if (slo.budget !== null) {
      const b = slo.budget;
      lines.push(
        `Error budget: ${b.total_minutes.toFixed(1)} min; used ${b.consumed_minutes.toFixed(1)} min; left ${b.remaining_minutes.toFixed(1)} min (${percent(b.remaining_fraction, 1)})`,
      );
    }
    if (slo.burn_rates !== null) lines.push(`Burn rates:   ${Object.entries(slo.burn_rates).map(([w, r]) => `${w} ${burn(r)}`).join(', ')}`);
    for (const rule of slo.alert_rules) {
      lines.push(
        `  ${rule.name} burn: above ${rule.threshold}x over ${rule.long_window_s / 60} min (now ${burn(rule.long_burn)}) and ${rule.short_window_s / 60} min (now ${burn(rule.short_burn)})${rule.firing ? ': FIRING' : ''}`,
      );
    }
    lines.push(slo.alert === null ? 'Burn alert:   none open' : `Burn alert:   open since ${slo.alert.started_at} (${slo.alert.severity}), event ${slo.alert.id}`);
    ctx.print(lines.join('\n'));
  },
};
