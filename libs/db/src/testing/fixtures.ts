import type { VigilPrisma } from '../client';

let counter = 0;

/** A site with one endpoint and one HTTP check: the smallest graph most tests need. */
export async function createSiteWithCheck(prisma: VigilPrisma, name = `site-${++counter}`) {
  const site = await prisma.site.create({ data: { name, slug: `${name}-${counter}` } });
  const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `https://${name}.example/` } });
  const check = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http' } });
  return { site, endpoint, check };
}
