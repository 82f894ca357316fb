import type { Client } from 'pg';

/** The target of check `i` (1-based): each has a path of its own on the one target server. */
export const checkTarget = (targetUrl: string, i: number): string => `${targetUrl}/c/${i}`;

/**
 * The bulk path of the services form: every site holds one check made through the API (check
 * 1 + 100 × k, on `/c/<n>`); this copies it to the site's other endpoints up to `checks`, with
 * its settings, and gives each copy a location state per location, due at once: the rows
 * `POST /api/v1/checks` would have written, in one transaction. Returns the checks copied.
 */
export async function cloneSiteChecks(client: Client, targetUrl: string, checks: number, perSite: number): Promise<number> {
  await client.query('BEGIN');
  try {
    const templates = `SELECT c.*, e.site_id, (substring(e.target from '/c/(\\d+)$')::int - 1) / ${perSite} AS site_index
                       FROM checks c JOIN endpoints e ON e.id = c.endpoint_id WHERE c.deleted_at IS NULL`;
    await client.query(
      `INSERT INTO endpoints (site_id, target)
       SELECT t.site_id, $1::text || '/c/' || (t.site_index * $3::int + k + 1)
       FROM (${templates}) t CROSS JOIN generate_series(1, $3::int - 1) AS k
       WHERE t.site_index * $3::int + k + 1 <= $2::int
       ORDER BY t.site_index, k`,
      [targetUrl, checks, perSite],
    );
    const copied = await client.query(
      `INSERT INTO checks (endpoint_id, name, type, spec, interval_s, down_interval_s, timeout_ms, locations,
                           failing_threshold, passing_threshold, failing_locations_threshold, enabled)
       SELECT e.id, 'steady ' || substring(e.target from '/c/(\\d+)$'), t.type, t.spec, t.interval_s, t.down_interval_s, t.timeout_ms, t.locations,
              t.failing_threshold, t.passing_threshold, t.failing_locations_threshold, t.enabled
       FROM endpoints e JOIN (${templates}) t ON t.site_id = e.site_id
       WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE c.endpoint_id = e.id)
       ORDER BY e.id`,
    );
    await client.query(
      `INSERT INTO location_states (check_id, site_id, location)
       SELECT c.id, e.site_id, l.location
       FROM checks c JOIN endpoints e ON e.id = c.endpoint_id CROSS JOIN unnest(c.locations) AS l(location)
       WHERE NOT EXISTS (SELECT 1 FROM location_states ls WHERE ls.check_id = c.id)`,
    );
    await client.query('COMMIT');
    // What autovacuum would have done by the time a deployment reached this size.
    await client.query('ANALYZE');
    return copied.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
