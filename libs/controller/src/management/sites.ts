import { createSite, deleteSite, getSite, listSites, restoreSite, siteSlugFromName, updateSite } from '@vigil/contracts';
import { Prisma, type VigilTransaction, withTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { scopeAllows } from '../auth/api-keys';
import { decodeCursor, pageOf } from '../http/cursor';
import type { AreaContext } from '../http/area';
import { archiveSite, restoreArchivedSite, siteArchived } from './site-archive';
import { type SiteCheckRow, siteJson } from './site-serialize';

function prismaCode(error: unknown): string | undefined {
  return error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
}

/**
 * Channels name sites in an array without a foreign key. A deleted site leaves them; a
 * channel left with no site is disabled rather than widened, because an empty list means
 * every site.
 */
async function forgetSiteInChannels(tx: VigilTransaction, siteId: number): Promise<void> {
  await tx.$executeRaw`
    UPDATE notification_channels
    SET site_ids = array_remove(site_ids, ${siteId}),
        enabled = enabled AND cardinality(array_remove(site_ids, ${siteId})) > 0,
        updated_at = now()
    WHERE ${siteId} = ANY(site_ids)`;
}

// The slug is the sites table's only unique column a client chooses.
function slugTaken(slug: string): HttpError {
  return HttpError.conflict(`Another site has the slug "${slug}"`, { field: 'slug' });
}

function siteNotFound(id: string): HttpError {
  return HttpError.notFound(`No site with id ${id}`);
}

// An archived site keeps its slug (restoring it must not collide), so a new site cannot take it.
function slugArchived(slug: string): HttpError {
  return new HttpError(409, 'slug_archived', `An archived site has the slug "${slug}": restore it, or purge it (admin) to reuse the slug`, {
    field: 'slug',
  });
}

async function slugConflict(client: { site: VigilTransaction['site'] }, slug: string): Promise<HttpError> {
  const holder = await client.site.findUnique({ where: { slug }, select: { archivedAt: true } });
  return holder?.archivedAt != null ? slugArchived(slug) : slugTaken(slug);
}


export function mountSites(ctx: AreaContext): void {
  const { prisma } = ctx.deps.db;

  ctx.route(createSite, async ({ body }) => {
    const slug = body.slug ?? siteSlugFromName(body.name);
    try {
      return siteJson(await prisma.site.create({ data: { name: body.name, slug, publicStatusPage: body.public_status_page, sloTargetPct: body.slo_target_pct, sloWindowDays: body.slo_window_days } }));
    } catch (error) {
      if (prismaCode(error) === 'P2002') throw await slugConflict(prisma, slug);
      throw error;
    }
  });

  ctx.route(listSites, async ({ query }) => {
    const after = decodeCursor(query.cursor, { name: 'string', id: 'integer' });
    const rows = await prisma.site.findMany({
      where: {
        ...(query.slug === undefined ? {} : { slug: query.slug }),
        archivedAt: query.archived === true ? { not: null } : null,
        ...(after === undefined ? {} : { OR: [{ name: { gt: after.name } }, { name: after.name, id: { gt: after.id } }] }),
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ name: last.name, id: last.id }));
    return {
      data: page.map((site) => siteJson(site)),
      next_cursor,
    };
  });

  ctx.route(getSite, async ({ params }) => {
    const site = await prisma.site.findUnique({ where: { uuid: params.id } });
    if (site === null) throw siteNotFound(params.id);
    const checks: SiteCheckRow[] = await prisma.check.findMany({
      where: { deletedAt: null, endpoint: { siteId: site.id } },
      select: { uuid: true, type: true, name: true, enabled: true, status: true, intervalS: true, endpoint: { select: { target: true } } },
      orderBy: { id: 'asc' },
    });
    return siteJson(site, checks);
  });

  ctx.route(updateSite, async ({ params, body }) => {
    try {
      const site = await prisma.site.update({
        where: { uuid: params.id, archivedAt: null },
        data: { name: body.name, slug: body.slug, publicStatusPage: body.public_status_page, sloTargetPct: body.slo_target_pct, sloWindowDays: body.slo_window_days },
      });
      return siteJson(site);
    } catch (error) {
      if (prismaCode(error) === 'P2025') {
        const exists = await prisma.site.findUnique({ where: { uuid: params.id }, select: { id: true } });
        throw exists === null ? siteNotFound(params.id) : siteArchived(params.id);
      }
      if (prismaCode(error) === 'P2002' && body.slug !== undefined) throw await slugConflict(prisma, body.slug);
      throw error;
    }
  });

  // Without purge, the site is archived: history is kept and nothing is deleted.
  ctx.route(deleteSite, async ({ params, query, principal }) => {
    if (query.purge !== true) {
      if (!(await archiveSite(ctx.deps.db, params.id))) throw siteNotFound(params.id);
      return;
    }
    if (!scopeAllows(principal.scopes, 'admin')) {
      throw HttpError.forbidden(`Purging a site needs the "admin" scope; the key "${principal.name}" may only archive it (DELETE without purge)`);
    }
    // Endpoints, checks, location states, results, events and their audit go with it (foreign key cascades).
    await withTransaction(ctx.deps.db, async (tx) => {
      const site = await tx.site.findUnique({ where: { uuid: params.id }, select: { id: true, archivedAt: true } });
      if (site === null) throw siteNotFound(params.id);
      if (site.archivedAt === null) {
        throw new HttpError(409, 'site_not_archived', 'Only an archived site can be purged: archive it first (DELETE without purge)');
      }
      await forgetSiteInChannels(tx, site.id);
      await tx.site.delete({ where: { id: site.id } });
    });
  });

  ctx.route(restoreSite, async ({ params }) => {
    const site = await restoreArchivedSite(ctx.deps.db, params.id);
    if (site === null) throw siteNotFound(params.id);
    return siteJson(site);
  });
}
