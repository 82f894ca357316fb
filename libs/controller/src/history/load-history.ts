import type { Database } from '@vigil/db';

/**
 * The history of a site that availability is computed from, overlapping [from, to): its
 * confirmed outages (events that reached `down`: a suspicion never confirmed is not downtime),
 * the unknown spells of its checks, and its maintenance windows (of the whole site and of its
 * checks) overlapping [from, maintenanceUntil), still to be expanded into occurrences. Each
 * query is bounded by the window: events by (site_id, ended_at), maintenance by (site_id,
 * ends_at) (an open-ended series has none). The reports' loader: per check, with each event's facts.
 */
export async function loadReportHistory(db: Database, siteId: number, from: Date, to: Date, maintenanceUntil: Date = to) {
  const check = { select: { name: true, type: true } } as const;
  const [firstCheck, outages, maintenance, unknownSpells] = await Promise.all([
    // Deleted checks count: they were monitoring while they existed.
    db.prisma.check.aggregate({ where: { endpoint: { siteId } }, _min: { createdAt: true } }),
    db.prisma.siteEvent.findMany({
      where: { siteId, eventType: 'down', startedAt: { lt: to }, OR: [{ endedAt: null }, { endedAt: { gt: from } }] },
      select: { uuid: true, startedAt: true, endedAt: true, severity: true, resolutionReason: true, checkType: true, checkId: true, check },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    }),
    db.prisma.maintenanceWindow.findMany({
      where: { siteId, OR: [{ endsAt: null }, { endsAt: { gt: from } }], startsAt: { lt: maintenanceUntil } },
      select: { uuid: true, startsAt: true, endsAt: true, rrule: true, timezone: true, durationS: true, checkId: true, check },
      orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
    }),
    // Time no check could tell: left out of uptime, not counted as up.
    db.prisma.siteEvent.findMany({
      where: { siteId, eventType: 'unknown', startedAt: { lt: to }, OR: [{ endedAt: null }, { endedAt: { gt: from } }] },
      select: { startedAt: true, endedAt: true, checkId: true },
    }),
  ]);
  return { monitoredSince: firstCheck._min.createdAt, outages, maintenance, unknownSpells };
}

export type ReportHistory = Awaited<ReturnType<typeof loadReportHistory>>;
