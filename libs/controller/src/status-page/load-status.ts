import { STATUS_PAGE_DAYS, STATUS_PAGE_UPCOMING_DAYS } from '@vigil/contracts';
import { occurrences } from '@vigil/maintenance';
import type { Database } from '@vigil/db';
import { loadSiteHistory } from '../history/load-history';
import type { StatusSource } from './build-status';

const DAY_MS = 86_400_000;

/**
 * What a site's public status is computed from, or null when the slug names no site or
 * a site whose page is not public or that is archived (one answer for all, so slugs cannot be probed).
 * Every query is bounded by the 90-day window (loadSiteHistory); an open-ended maintenance
 * series is expanded within the window only.
 */
export async function loadStatusSource(db: Database, slug: string, now: Date): Promise<StatusSource | null> {
  const site = await db.prisma.site.findUnique({
    where: { slug },
    select: { id: true, name: true, slug: true, status: true, publicStatusPage: true, lastCheckedAt: true, lastStatusChangeAt: true, archivedAt: true },
  });
  // An archived site's page is gone like an unknown one's.
  if (site === null || !site.publicStatusPage || site.archivedAt !== null) return null;

  const from = new Date(now.getTime() - STATUS_PAGE_DAYS * DAY_MS);
  const horizon = new Date(now.getTime() + STATUS_PAGE_UPCOMING_DAYS * DAY_MS);
  const [{ monitoredSince, outages, maintenance, unknownSpells }, unknownChecks] = await Promise.all([
    // Up to the announced horizon for maintenance: past, ongoing and upcoming, expanded below.
    loadSiteHistory(db, site.id, from, now, horizon),
    // A worse status (a warning) hides an unknown check in the site's status: counted apart.
    db.prisma.check.count({ where: { endpoint: { siteId: site.id }, enabled: true, deletedAt: null, status: 'unknown' } }),
  ]);

  return {
    site: {
      name: site.name,
      slug: site.slug,
      status: site.status,
      lastCheckedAt: site.lastCheckedAt,
      lastStatusChangeAt: site.lastStatusChangeAt,
    },
    monitoredSince,
    unknownChecks,
    outages: outages.map((o) => ({
      id: o.uuid,
      start: o.startedAt,
      end: o.endedAt,
      severity: o.severity,
      resolution: o.resolutionReason,
      check: o.check ?? (o.checkType === null ? null : { name: null, type: o.checkType }),
    })),
    // Every occurrence in the 90 days and the horizon: a recurring window is as many stretches as it has occurrences.
    maintenance: maintenance
      .flatMap((m) => occurrences(m, from.getTime(), horizon.getTime()).map((o) => ({ id: m.uuid, start: new Date(o.start), end: new Date(o.end), check: m.check })))
      .sort((a, b) => b.start.getTime() - a.start.getTime()),
    unknownSpells: unknownSpells.map((u) => ({ start: u.startedAt, end: u.endedAt })),
  };
}
