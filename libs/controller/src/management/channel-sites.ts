import type { FieldProblem } from '@vigil/contracts';
import type { Database } from '@vigil/db';

/** The internal ids of the sites a channel names, and a problem for each uuid no site has. */
export async function resolveChannelSites(
  db: Pick<Database, 'prisma'>,
  uuids: readonly string[],
): Promise<{ ids: number[]; problems: FieldProblem[] }> {
  if (uuids.length === 0) return { ids: [], problems: [] };
  const sites = await db.prisma.site.findMany({ where: { uuid: { in: [...uuids] } }, select: { id: true, uuid: true } });
  const byUuid = new Map(sites.map((site) => [site.uuid, site.id]));
  const problems = uuids.flatMap((uuid, index) => (byUuid.has(uuid) ? [] : [{ field: `site_ids[${index}]`, message: 'no site has this id' }]));
  const ids = uuids.flatMap((uuid) => {
    const id = byUuid.get(uuid);
    return id === undefined ? [] : [id];
  });
  return { ids: [...new Set(ids)], problems };
}

/** The uuids of the sites behind internal ids, in one query for a whole page of channels. Deleted sites drop out. */
export async function siteUuidsById(db: Pick<Database, 'prisma'>, ids: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const sites = await db.prisma.site.findMany({ where: { id: { in: unique } }, select: { id: true, uuid: true } });
  return new Map(sites.map((site) => [site.id, site.uuid]));
}
