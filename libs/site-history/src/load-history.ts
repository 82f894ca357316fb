import type { VigilTransaction } from '@vigil/db';
import { occurrences } from '@vigil/maintenance';
import { availabilityIntervals, type UptimeInterval } from '@vigil/uptime';

/** The client it reads with: the Prisma client or a transaction's. */
export type HistoryReader = Pick<VigilTransaction, 'site' | 'siteEvent' | 'maintenanceWindow' | 'check'>;

/** A site's history as availability counts it, ready for `computeUptime` (and `assessSlo`). */
export interface SiteHistory {
  readonly intervals: UptimeInterval[];
  /** When its first check was created (deleted checks count); null if it never had one. */
  readonly monitoredSince: number | null;
}

// Statuses during which nothing is measured: the current spell of one is left out of uptime.
const UNMEASURED: ReadonlySet<string> = new Set(['unknown', 'paused']);

/**
 * Loads what availability over [from, now) is computed from, for one site: confirmed outages
 * (events that reached `down`: a suspicion that closed as a false alarm is not downtime), the
 * unknown spells of its checks, the whole-site maintenance occurrences, and its current unknown
 * or paused spell; turned into intervals by `availabilityIntervals` of @vigil/uptime, the rule the
 * status page uses. Every query is bounded by the window (events by site and end, maintenance by
 * site and end). Null when the site does not exist.
 */
export async function loadSiteHistory(reader: HistoryReader, siteId: number, from: Date, now: Date): Promise<SiteHistory | null> {
  const overlapping = { startedAt: { lt: now }, OR: [{ endedAt: null }, { endedAt: { gt: from } }] };
  const [site, firstCheck, outages, unknownSpells, maintenance] = await Promise.all([
    reader.site.findUnique({ where: { id: siteId }, select: { status: true, lastStatusChangeAt: true } }),
    reader.check.aggregate({ where: { endpoint: { siteId } }, _min: { createdAt: true } }),
    reader.siteEvent.findMany({ where: { siteId, eventType: 'down', ...overlapping }, select: { startedAt: true, endedAt: true } }),
    reader.siteEvent.findMany({ where: { siteId, eventType: 'unknown', ...overlapping }, select: { startedAt: true, endedAt: true } }),
    reader.maintenanceWindow.findMany({
      where: { siteId, checkId: null, startsAt: { lt: now }, OR: [{ endsAt: null }, { endsAt: { gt: from } }] },
      select: { startsAt: true, endsAt: true, rrule: true, timezone: true, durationS: true },
    }),
  ]);
  if (site === null) return null;
  const monitoredSince = firstCheck._min.createdAt?.getTime() ?? null;
  const spellStart = site.lastStatusChangeAt?.getTime() ?? monitoredSince;
  const span = (row: { startedAt: Date; endedAt: Date | null }) => ({ start: row.startedAt.getTime(), end: row.endedAt?.getTime() ?? null });
  const intervals = availabilityIntervals(
    {
      outages: outages.map(span),
      unknownSpells: unknownSpells.map(span),
      maintenance: maintenance.flatMap((m) => occurrences(m, from.getTime(), now.getTime())),
      unmeasuredSince: UNMEASURED.has(site.status) ? spellStart : null,
    },
    now.getTime(),
  );
  return { intervals, monitoredSince };
}
