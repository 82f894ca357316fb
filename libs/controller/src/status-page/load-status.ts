import { type CheckType, STATUS_PAGE_DAYS, STATUS_PAGE_MAX_CHECKS, STATUS_PAGE_UPCOMING_DAYS } from '@vigil/contracts';
import { occurrences } from '@vigil/maintenance';
import type { Database } from '@vigil/db';
import type { StatusSource } from './build-status';
import { histogramOf, type RollupRow } from '../management/check-rollups';
import type { CheckRollupSource } from './check-figures';

const DAY_MS = 86_400_000;

/** A check's daily rollup row; bucket_start null for a check with none in the window. */
interface DailyRow extends Omit<RollupRow, 'location' | 'bucket_start'> {
  check_id: number;
  name: string | null;
  type: CheckType;
  bucket_start: Date | null;
}

/**
 * The site's enabled checks (oldest first, at most STATUS_PAGE_MAX_CHECKS) with their daily
 * rollups since `from`: one range read per check on the rollups' primary key, never raw results.
 */
async function loadCheckRollups(db: Database, siteId: number, from: Date): Promise<CheckRollupSource[]> {
  const rows = await db.prisma.$queryRaw<DailyRow[]>`
    SELECT c.id AS check_id, c.name, c.type::text AS type, d.bucket_start, d.count, d.failures, d.inconclusive, d.degraded,
      d.latency_count, d.latency_sum, d.latency_min, d.latency_max, d.histogram::text AS histogram
    FROM (
      SELECT c.id, c.name, c.type FROM checks c JOIN endpoints e ON e.id = c.endpoint_id
      WHERE e.site_id = ${siteId} AND c.enabled AND c.deleted_at IS NULL ORDER BY c.id LIMIT ${STATUS_PAGE_MAX_CHECKS}
    ) AS c
    -- The view (the folded days and the hours not folded yet, merged by day) read per check through
    -- the rollup tables' primary keys: lateral, and kept whole (OFFSET 0), as the planner would
    -- otherwise flatten it into a hash join over every check's rollups (4 s and 176,000 buffers
    -- for a site of 100 checks at 200,000 checks, against 1,540 buffers so).
    LEFT JOIN LATERAL (SELECT * FROM check_rollups_days r WHERE r.check_id = c.id AND r.bucket_start >= ${from} OFFSET 0) d ON true
    ORDER BY c.id, d.bucket_start`;
  const checks = new Map<number, CheckRollupSource>();
  for (const row of rows) {
    const check = checks.get(row.check_id) ?? { name: row.name, type: row.type, days: [] };
    checks.set(row.check_id, check);
    if (row.bucket_start === null) continue;
    check.days.push({
      start: row.bucket_start.getTime(),
      rollup: {
        count: row.count,
        failures: row.failures,
        inconclusive: row.inconclusive,
        degraded: row.degraded,
        latencyCount: row.latency_count,
        latencySum: Number(row.latency_sum),
        latencyMin: row.latency_min,
        latencyMax: row.latency_max,
        histogram: histogramOf(row.histogram),
      },
    });
  }
  return [...checks.values()];
}

/**
 * What a site's public status is computed from, or null when the slug names no site or
 * a site whose page is not public or that is archived (one answer for all, so slugs cannot be probed).
 * Every query is bounded by the 90-day window: events by (site_id, ended_at), maintenance
 * by (site_id, ends_at) (an open-ended series has none: it is expanded within the window only).
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
  const check = { select: { name: true, type: true } } as const;
  const firstDay = new Date((Math.floor(now.getTime() / DAY_MS) - (STATUS_PAGE_DAYS - 1)) * DAY_MS);
  const [firstCheck, outages, maintenance, unknownSpells, unknownChecks, checkRollups] = await Promise.all([
    // Deleted checks count: they were monitoring while they existed.
    db.prisma.check.aggregate({ where: { endpoint: { siteId: site.id } }, _min: { createdAt: true } }),
    // Only confirmed outages: a suspicion that was never confirmed (a false alarm) is not downtime.
    db.prisma.siteEvent.findMany({
      where: { siteId: site.id, eventType: 'down', startedAt: { lt: now }, OR: [{ endedAt: null }, { endedAt: { gt: from } }] },
      select: { uuid: true, startedAt: true, endedAt: true, severity: true, resolutionReason: true, checkType: true, check },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    }),
    // Up to the announced horizon: past, ongoing and upcoming, expanded below.
    db.prisma.maintenanceWindow.findMany({
      where: { siteId: site.id, OR: [{ endsAt: null }, { endsAt: { gt: from } }], startsAt: { lt: horizon } },
      select: { uuid: true, startsAt: true, endsAt: true, rrule: true, timezone: true, durationS: true, check },
      orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
    }),
    // Time no check could tell: left out of uptime, not counted as up.
    db.prisma.siteEvent.findMany({
      where: { siteId: site.id, eventType: 'unknown', startedAt: { lt: now }, OR: [{ endedAt: null }, { endedAt: { gt: from } }] },
      select: { startedAt: true, endedAt: true },
    }),
    // A worse status (a warning) hides an unknown check in the site's status: counted apart.
    db.prisma.check.count({ where: { endpoint: { siteId: site.id }, enabled: true, deletedAt: null, status: 'unknown' } }),
    // Measured uptime and response time per check: the daily rollups of the 90 days.
    loadCheckRollups(db, site.id, firstDay),
  ]);

  return {
    site: {
      name: site.name,
      slug: site.slug,
      status: site.status,
      lastCheckedAt: site.lastCheckedAt,
      lastStatusChangeAt: site.lastStatusChangeAt,
    },
    monitoredSince: firstCheck._min.createdAt,
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
    checkRollups,
  };
}
