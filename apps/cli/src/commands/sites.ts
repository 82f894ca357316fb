import { createSite, deleteSite, listSites, ResourceId, restoreSite, Slug, updateSite } from '@vigil/contracts';
import type { ApiClient } from '../api-client';
import { CliError, type Command, type CommandContext, stringFlag, UsageError } from '../context';
import { booleanFlag, given, requireChange } from './flags';
import type { SiteJson } from './lists';

const SITE_ARG = { name: 'site', description: "The site's slug (or its id)" };
const PUBLIC_FLAG = { type: 'boolean', negatable: true, description: 'Show the site on the public status page (--no-public-status-page: hide it)' } as const;

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
  return `"${site.slug}" (${site.name}, public status page: ${site.public_status_page ? 'yes' : 'no'}), id ${site.id}`;
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
  },
  api: true,
  async run(ctx) {
    const body = { name: ctx.args['name'], ...given({ slug: stringFlag(ctx.flags, 'slug'), public_status_page: booleanFlag(ctx, 'public-status-page') }) };
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
  },
  api: true,
  async run(ctx) {
    const body = given({ name: stringFlag(ctx.flags, 'name'), slug: stringFlag(ctx.flags, 'slug'), public_status_page: booleanFlag(ctx, 'public-status-page') });
    requireChange(body, ['name', 'slug', 'public-status-page']);
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
