import { type Database, type Site, type VigilTransaction, withTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { makeCheckDueNow, PARKED_UNTIL, parkCheck, syncCheckLocations } from '../scheduling/location-states';

/** What changing an archived site, or one of its checks, answers. */
export function siteArchived(id: string): HttpError {
  return new HttpError(409, 'site_archived', `The site ${id} is archived: restore it first (POST /api/v1/sites/${id}/restore)`);
}

/** 409 `site_archived` when the site (by internal id) is archived; changes to its checks go through here. */
export async function assertSiteLive(client: { site: VigilTransaction['site'] }, siteId: number): Promise<void> {
  const site = await client.site.findUnique({ where: { id: siteId }, select: { uuid: true, archivedAt: true } });
  if (site !== null && site.archivedAt !== null) throw siteArchived(site.uuid);
}

async function lockSite(tx: VigilTransaction, uuid: string): Promise<{ id: number; archived: boolean } | undefined> {
  const [row] = await tx.$queryRaw<Array<{ id: number; archived: boolean }>>`
    SELECT id, archived_at IS NOT NULL AS archived FROM sites WHERE uuid = ${uuid}::uuid FOR UPDATE`;
  return row;
}

/**
 * Archives a site: it leaves the lists, its checks are parked (no poll leases them) and
 * nothing is deleted, so its events, transitions and results stay readable by id. False
 * when no site has this id; archiving an archived site changes nothing.
 */
export async function archiveSite(db: Database, uuid: string): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const site = await lockSite(tx, uuid);
    if (site === undefined) return false;
    if (site.archived) return true;
    await tx.site.update({ where: { id: site.id }, data: { archivedAt: new Date() } });
    await tx.$executeRaw`UPDATE location_states SET next_due_at = ${PARKED_UNTIL}, leased_until = NULL WHERE site_id = ${site.id}`;
    return true;
  });
}

/**
 * Brings an archived site back: listed again, each of its checks at the locations it has
 * now (runners may have come and gone), enabled ones due at once. Null when no site has
 * this id; restoring a live site changes nothing.
 */
export async function restoreArchivedSite(db: Database, uuid: string): Promise<Site | null> {
  return withTransaction(db, async (tx) => {
    const site = await lockSite(tx, uuid);
    if (site === undefined) return null;
    if (!site.archived) return tx.site.findUniqueOrThrow({ where: { id: site.id } });
    const restored = await tx.site.update({ where: { id: site.id }, data: { archivedAt: null } });
    const checks = await tx.check.findMany({ where: { deletedAt: null, endpoint: { siteId: site.id } }, select: { id: true, enabled: true } });
    for (const check of checks) {
      await syncCheckLocations(tx, check.id);
      if (check.enabled) await makeCheckDueNow(tx, check.id);
      else await parkCheck(tx, check.id);
    }
    return restored;
  });
}
