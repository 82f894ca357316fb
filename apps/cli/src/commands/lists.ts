import { CONTROLLER_LOCATION, listChecks, listEvents, listSites, ResourceId, type ResponseOf, Slug } from '@vigil/contracts';
import type { ApiClient } from '../api-client';
import { CliError, type Command, stringFlag, UsageError } from '../context';
import { formatTable, formatTime, yesNo } from '../table';

export type SiteJson = ResponseOf<typeof listSites>['data'][number];
export type CheckJson = ResponseOf<typeof listChecks>['data'][number];
export type EventJson = ResponseOf<typeof listEvents>['data'][number];

const SITE_FLAG = { type: 'string', value: 'SLUG', description: "Only this site's" } as const;

/** The site with this slug, or a failure naming it. */
export async function siteBySlug(api: ApiClient, slug: string): Promise<SiteJson> {
  if (!Slug.safeParse(slug).success) throw new UsageError(`--site must be a site slug (lower-case letters, digits and dashes; got "${slug}")`);
  const [site] = (await api.request(listSites, { query: { slug, limit: 1 } })).data;
  if (site === undefined) throw new CliError(`no site has the slug "${slug}"`);
  return site;
}

/** Site slugs by id, for tables that show which site a row belongs to. */
async function siteSlugs(api: ApiClient, only?: SiteJson): Promise<Map<string, string>> {
  const sites = only === undefined ? await api.listAll(listSites) : [only];
  return new Map(sites.map((site) => [site.id, site.slug]));
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${flag} must be a positive integer (got "${value}")`);
  }
  return Number(value);
}

export function describeLocations(locations: readonly string[]): string {
  return locations.length === 0 ? 'all' : locations.join(',');
}

export const sitesList: Command = {
  name: 'sites list',
  summary: 'List sites with their status',
  flags: { archived: { type: 'boolean', description: 'Only archived (deleted) sites, with when they were archived' } },
  api: true,
  async run(ctx) {
    const archived = ctx.flags['archived'] === true;
    const sites = await ctx.api().listAll(listSites, archived ? { archived: 'true' } : {});
    if (ctx.json) return ctx.printJson(sites);
    if (archived) {
      ctx.print(formatTable(['slug', 'name', 'archived', 'id'], sites.map((site) => [site.slug, site.name, formatTime(site.archived_at), site.id])));
      return;
    }
    ctx.print(
      formatTable(
        ['slug', 'name', 'status', 'public page', 'last checked', 'id'],
        sites.map((site) => [site.slug, site.name, site.status, yesNo(site.public_status_page), formatTime(site.last_checked_at, 'never'), site.id]),
      ),
    );
  },
};

export const checksList: Command = {
  name: 'checks list',
  summary: 'List checks with their status',
  description: `Locations "all" means every active runner; ${CONTROLLER_LOCATION} is the controller's own runner.`,
  flags: { site: SITE_FLAG },
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const slug = stringFlag(ctx.flags, 'site');
    const site = slug === undefined ? undefined : await siteBySlug(api, slug);
    const checks = await api.listAll(listChecks, site === undefined ? {} : { site_id: site.id });
    if (ctx.json) return ctx.printJson(checks);
    const slugs = await siteSlugs(api, site);
    ctx.print(
      formatTable(
        ['id', 'site', 'type', 'target', 'interval', 'locations', 'status', 'enabled'],
        checks.map((check) => [
          check.id,
          slugs.get(check.site_id) ?? check.site_id,
          check.type,
          check.target,
          `${check.interval_s}s`,
          describeLocations(check.locations),
          check.status,
          yesNo(check.enabled),
        ]),
      ),
    );
  },
};

function eventSubject(event: EventJson): string {
  if (event.endpoint_target !== null) return event.endpoint_target;
  return event.location === null ? '-' : `runner ${event.location}`;
}

export const eventsList: Command = {
  name: 'events list',
  summary: 'List events, newest first',
  flags: {
    open: { type: 'boolean', description: 'Only open events' },
    site: SITE_FLAG,
    check: { type: 'string', value: 'ID', description: "Only this check's (its id, from vigil checks list)" },
    limit: { type: 'string', value: 'N', description: 'At most N events (default: all)' },
  },
  api: true,
  async run(ctx) {
    const api = ctx.api();
    const limit = positiveInteger('limit', stringFlag(ctx.flags, 'limit'));
    const checkId = stringFlag(ctx.flags, 'check');
    if (checkId !== undefined && !ResourceId.safeParse(checkId).success) throw new UsageError(`--check must be a check id (a UUID; got "${checkId}")`);
    const slug = stringFlag(ctx.flags, 'site');
    const site = slug === undefined ? undefined : await siteBySlug(api, slug);
    const events = await api.listAll(
      listEvents,
      {
        ...(ctx.flags['open'] === true ? { state: 'open' as const } : {}),
        ...(site === undefined ? {} : { site_id: site.id }),
        ...(checkId === undefined ? {} : { check_id: checkId }),
      },
      limit,
    );
    if (ctx.json) return ctx.printJson(events);
    const slugs = await siteSlugs(api, site);
    ctx.print(
      formatTable(
        ['started', 'state', 'type', 'severity', 'site', 'check target', 'reason'],
        events.map((event) => [
          formatTime(event.started_at),
          event.state,
          event.type,
          event.severity,
          slugs.get(event.site_id) ?? event.site_id,
          eventSubject(event),
          event.resolution_reason ?? '-',
        ]),
      ),
    );
  },
};
