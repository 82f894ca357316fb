import { Prisma, type SiteStatus, type VigilTransaction } from '@vigil/db';
import type { Write } from './read-only';
import { worstStatus } from './status-projection';

export interface SiteProjection {
  readonly siteId: number;
  /** The check that changed. */
  readonly checkId: number;
  /** Its new status, or null when it no longer counts (disabled, deleted). */
  readonly checkStatus: SiteStatus | null;
  /** When the change happened. */
  readonly at: Date;
  /** Whether `at` is also a new result (it moves `last_checked_at`), not an administrative change. */
  readonly checked: boolean;
  /**
   * Whether the check's status changed (or it stopped counting). When none of a site's checks
   * changed, neither did the worst of them: the site keeps its status and its other checks are
   * not read, which is most results.
   */
  readonly statusChanged: boolean;
}

/** A site's row after the changes: what to write (`sites.status`). */
export interface SiteUpdate {
  readonly siteId: number;
  readonly status: SiteStatus;
  readonly lastCheckedAt?: Date;
  readonly lastStatusChangeAt?: Date;
}

const latest = (dates: readonly Date[]): Date | undefined => (dates.length === 0 ? undefined : new Date(Math.max(...dates.map((d) => d.getTime()))));

/**
 * The sites of `changes` show the worst status of their enabled checks, the changed ones' new
 * statuses included (whether or not they are stored yet). The site rows are locked first, in id
 * order: two evaluators changing checks of one site then project it one after the other, the
 * second seeing the first's committed statuses. `FOR NO KEY UPDATE`, the lock the UPDATE takes
 * anyway: `FOR UPDATE` would also wait on the `FOR KEY SHARE` an event insert takes on its site
 * (the foreign key), in no particular order, and two evaluators deadlocked on it.
 */
export async function projectSiteStatuses(tx: VigilTransaction, changes: readonly SiteProjection[]): Promise<SiteUpdate[]> {
  if (changes.length === 0) return [];
  const siteIds = [...new Set(changes.map((c) => c.siteId))].sort((a, b) => a - b);
  const changedIds = changes.map((c) => c.checkId);
  const sites = await tx.$queryRaw<{ id: number; status: SiteStatus; last_checked_at: Date | null }[]>`
    SELECT id, status, last_checked_at FROM sites WHERE id = ANY(${siteIds}::int[]) ORDER BY id FOR NO KEY UPDATE`;
  const projected = [...new Set(changes.filter((c) => c.statusChanged).map((c) => c.siteId))];
  // Only the other checks that are not up can make a site worse than its changed checks: read
  // those (few, and indexed), and ask whether any other check is up only for a site none of
  // whose changed checks counts any more.
  const others =
    projected.length === 0
      ? []
      : // Per site (LATERAL): planned once and reused, the query must not depend on how many
        // sites the array holds, or a generic plan reads every check that is not up.
        await tx.$queryRaw<{ site_id: number; statuses: SiteStatus[] }[]>`
    SELECT s.id AS site_id, o.statuses
    FROM unnest(${projected}::int[]) AS s(id)
    CROSS JOIN LATERAL (
      SELECT array_agg(DISTINCT c.status)::text[] AS statuses
      FROM endpoints e JOIN checks c ON c.endpoint_id = e.id
      WHERE e.site_id = s.id AND c.status <> 'up' AND c.enabled AND c.deleted_at IS NULL AND NOT (c.id = ANY(${changedIds}::int[]))
    ) o
    WHERE o.statuses IS NOT NULL`;
  const othersBySite = new Map(others.map((row) => [row.site_id, row.statuses]));
  const withoutOwn = projected.filter((id) => !changes.some((c) => c.siteId === id && c.checkStatus !== null) && !othersBySite.has(id));
  const withUp =
    withoutOwn.length === 0
      ? []
      : await tx.$queryRaw<{ site_id: number }[]>`
    SELECT DISTINCT e.site_id FROM checks c JOIN endpoints e ON e.id = c.endpoint_id
    WHERE c.status = 'up' AND c.enabled AND c.deleted_at IS NULL
      AND e.site_id = ANY(${withoutOwn}::int[]) AND NOT (c.id = ANY(${changedIds}::int[]))`;
  for (const { site_id } of withUp) othersBySite.set(site_id, ['up']);
  return sites.map((site) => {
    const mine = changes.filter((c) => c.siteId === site.id);
    const own = mine.flatMap((c) => (c.checkStatus === null ? [] : [c.checkStatus]));
    const status = mine.some((c) => c.statusChanged) ? worstStatus([...own, ...(othersBySite.get(site.id) ?? [])]) : site.status;
    const checkedAt = latest(mine.filter((c) => c.checked).map((c) => c.at));
    return {
      siteId: site.id,
      status,
      ...(checkedAt !== undefined && (site.last_checked_at === null || site.last_checked_at < checkedAt) ? { lastCheckedAt: checkedAt } : {}),
      ...(status !== site.status ? { lastStatusChangeAt: latest(mine.map((c) => c.at)) } : {}),
    };
  });
}

/** Writes the sites' projected rows in one statement. */
export async function writeSiteStatuses(tx: VigilTransaction, updates: readonly SiteUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const rows = updates.map((u) => ({
    id: u.siteId,
    status: u.status,
    last_checked_at: u.lastCheckedAt?.toISOString() ?? null,
    last_status_change_at: u.lastStatusChangeAt?.toISOString() ?? null,
  }));
  await tx.$executeRaw(Prisma.sql`
    UPDATE sites s SET status = u.status::site_status,
      last_checked_at = COALESCE(u.last_checked_at, s.last_checked_at),
      last_status_change_at = COALESCE(u.last_status_change_at, s.last_status_change_at)
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS u(id int, status text, last_checked_at timestamptz, last_status_change_at timestamptz)
    WHERE s.id = u.id`);
}

/** The fields a `sites.status` write sets, as a read-only log line shows them. */
export function siteFields(update: SiteUpdate): Record<string, unknown> {
  const { siteId, ...data } = update;
  return { site_id: siteId, ...data };
}

/** One check's change projected onto its site, through the caller's write gate. */
export async function projectSiteStatus(tx: VigilTransaction, change: SiteProjection, write: Write): Promise<void> {
  const [update] = await projectSiteStatuses(tx, [change]);
  if (update === undefined) throw new Error(`site ${change.siteId} does not exist`);
  await write('sites.status', siteFields(update), () => writeSiteStatuses(tx, [update]));
}
