import { createSite, deleteSite, getSite, listSites, siteSlugFromName, updateSite } from '@vigil/contracts';
import { Prisma, type VigilTransaction, withTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { decodeCursor, pageOf } from '../http/cursor';
import type { AreaContext } from '../http/area';
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


export function mountSites(ctx: AreaContext): void {
  const { prisma } = ctx.deps.db;

  ctx.route(createSite, async ({ body }) => {
    const slug = body.slug ?? siteSlugFromName(body.name);
    try {
      return siteJson(await prisma.site.create({ data: { name: body.name, slug, publicStatusPage: body.public_status_page } }));
    } catch (error) {
      if (prismaCode(error) === 'P2002') throw slugTaken(slug);
      throw error;
    }
  });

  ctx.route(listSites, async ({ query }) => {
    const after = decodeCursor(query.cursor, { name: 'string', id: 'integer' });
    const rows = await prisma.site.findMany({
      where: {
        ...(query.slug === undefined ? {} : { slug: query.slug }),
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
        where: { uuid: params.id },
        data: { name: body.name, slug: body.slug, publicStatusPage: body.public_status_page },
      });
      return siteJson(site);
    } catch (error) {
      if (prismaCode(error) === 'P2025') throw siteNotFound(params.id);
      if (prismaCode(error) === 'P2002' && body.slug !== undefined) throw slugTaken(body.slug);
      throw error;
    }
  });

  // Endpoints, checks, location states, results, events and their audit go with it (foreign key cascades).
  ctx.route(deleteSite, async ({ params }) => {
    await withTransaction(ctx.deps.db, async (tx) => {
      const site = await tx.site.findUnique({ where: { uuid: params.id }, select: { id: true } });
      if (site === null) throw siteNotFound(params.id);
      await forgetSiteInChannels(tx, site.id);
      await tx.site.delete({ where: { id: site.id } });
    });
  });
}
