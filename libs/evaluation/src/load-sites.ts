import { PREPARED, Prisma, type SiteStatus, sqlTx, type Transaction } from '@vigil/db';

// Fixed texts, run on every pass: prepared once per connection.
const prepared = Prisma.raw(PREPARED);

export interface SiteProjection {
  readonly siteId: number;
  /** The check that changed, and its uuid (for the log). */
  readonly checkId: number;
  readonly check: string;
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

/** What projecting the changes onto their sites needs to know of the sites. */
export interface SiteFacts {
  /** The sites of the changes, locked, in id order. */
  readonly sites: readonly { readonly id: number; readonly status: SiteStatus; readonly last_checked_at: Date | null }[];
  /** The statuses of the other enabled checks of the sites whose checks changed status, when they can matter. */
  readonly others: ReadonlyMap<number, readonly SiteStatus[]>;
}

/**
 * Reads what projecting `changes` onto their sites needs, the site rows locked first, in id
 * order: two evaluators changing checks of one site then project it one after the other, the
 * second seeing the first's committed statuses. `FOR NO KEY UPDATE`, the lock the UPDATE takes
 * anyway: `FOR UPDATE` would also wait on the `FOR KEY SHARE` an event insert takes on its site
 * (the foreign key), in no particular order, and two evaluators deadlocked on it.
 */
export async function loadSiteFacts(on: Transaction, changes: readonly SiteProjection[]): Promise<SiteFacts> {
  if (changes.length === 0) return { sites: [], others: new Map() };
  const tx = sqlTx(on);
  const siteIds = [...new Set(changes.map((c) => c.siteId))].sort((a, b) => a - b);
  const changedIds = changes.map((c) => c.checkId);
  const sites = await tx.query<{ id: number; status: SiteStatus; last_checked_at: Date | null }>(Prisma.sql`${prepared}
    SELECT id, status, last_checked_at FROM sites WHERE id = ANY(${siteIds}::int[]) ORDER BY id FOR NO KEY UPDATE`);
  const projected = [...new Set(changes.filter((c) => c.statusChanged).map((c) => c.siteId))];
  // Only the other checks that are not up can make a site worse than its changed checks: read
  // those (few, and indexed), and ask whether any other check is up only for a site none of
  // whose changed checks counts any more.
  const others =
    projected.length === 0
      ? []
      : // Per site (LATERAL): planned once and reused, the query must not depend on how many
        // sites the array holds, or a generic plan reads every check that is not up.
        await tx.query<{ site_id: number; statuses: SiteStatus[] }>(Prisma.sql`${prepared}
    SELECT s.id AS site_id, o.statuses
    FROM unnest(${projected}::int[]) AS s(id)
    CROSS JOIN LATERAL (
      SELECT array_agg(DISTINCT c.status)::text[] AS statuses
      FROM endpoints e JOIN checks c ON c.endpoint_id = e.id
      WHERE e.site_id = s.id AND c.status <> 'up' AND c.enabled AND c.deleted_at IS NULL AND NOT (c.id = ANY(${changedIds}::int[]))
    ) o
    WHERE o.statuses IS NOT NULL`);
  const othersBySite = new Map<number, readonly SiteStatus[]>(others.map((row) => [row.site_id, row.statuses]));
  const withoutOwn = projected.filter((id) => !changes.some((c) => c.siteId === id && c.checkStatus !== null) && !othersBySite.has(id));
  const withUp =
    withoutOwn.length === 0
      ? []
      : await tx.query<{ site_id: number }>(Prisma.sql`${prepared}
    SELECT DISTINCT e.site_id FROM checks c JOIN endpoints e ON e.id = c.endpoint_id
    WHERE c.status = 'up' AND c.enabled AND c.deleted_at IS NULL
      AND e.site_id = ANY(${withoutOwn}::int[]) AND NOT (c.id = ANY(${changedIds}::int[]))`);
  for (const { site_id } of withUp) othersBySite.set(site_id, ['up']);
  return { sites, others: othersBySite };
}
