import type { Database } from '@vigil/db';
import type { CatalogueRow } from './select';

/**
 * The opted-in checks (enabled, not deleted, on a live site) with their location states, in id
 * order, as far as `maxSeries` can reach (a check costs at least 2 series per location, so
 * checks past maxSeries / 2 can never fit), and how many are opted in overall. Two statements
 * on the partial index `checks_export_metrics` (only opted-in checks are read), whatever the
 * size of `checks`.
 */
export async function loadCheckMetricsCatalogue(db: Pick<Database, 'prisma'>, maxSeries: number): Promise<{ rows: CatalogueRow[]; optedIn: number }> {
  const reach = Math.floor(maxSeries / 2) + 1;
  const rows = await db.prisma.$queryRaw<CatalogueRow[]>`
    WITH opted AS (
      SELECT c.id, c.uuid::text AS uuid, c.name, c.type::text AS type, s.slug AS site, c.interval_s, c.timeout_ms
      FROM checks c
      JOIN endpoints e ON e.id = c.endpoint_id
      JOIN sites s ON s.id = e.site_id
      WHERE c.export_metrics AND c.deleted_at IS NULL AND c.enabled AND s.archived_at IS NULL
      ORDER BY c.id
      LIMIT ${reach}
    )
    SELECT o.id, o.uuid, o.name, o.type, o.site, o.interval_s AS "intervalS", o.timeout_ms AS "timeoutMs",
           ls.location, ls.resolved, ls.last_result_at AS "lastResultAt", ls.last_inconclusive AS "lastInconclusive"
    FROM opted o
    LEFT JOIN location_states ls ON ls.check_id = o.id
    ORDER BY o.id, ls.location COLLATE "C"`;
  const [{ count }] = await db.prisma.$queryRaw<Array<{ count: number }>>`
    SELECT count(*)::int AS count
    FROM checks c
    JOIN endpoints e ON e.id = c.endpoint_id
    JOIN sites s ON s.id = e.site_id
    WHERE c.export_metrics AND c.deleted_at IS NULL AND c.enabled AND s.archived_at IS NULL`;
  return { rows, optedIn: count };
}
