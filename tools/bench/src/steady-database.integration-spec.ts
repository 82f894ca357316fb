import { connectPostgres } from '@vigil/db';
import { createScratchPostgres, testDatabaseUrl } from '@vigil/db/testing';
import type { Client } from 'pg';
import { checkTarget, cloneSiteChecks } from './steady-database';

// The bulk path is SQL for PostgreSQL (the services form's database): it runs where a server is configured.
const onPostgres = testDatabaseUrl() ? describe : describe.skip;

onPostgres('cloneSiteChecks', () => {
  let scratch: Awaited<ReturnType<typeof createScratchPostgres>>;
  let client: Client;
  const url = 'http://127.0.0.1:9';

  beforeAll(async () => {
    scratch = await createScratchPostgres({ migrated: true });
    client = await connectPostgres(scratch.url);
    // Two sites, each with the check the API made first: 1 and 101, as the bench makes them.
    for (const [site, first] of [
      [1, 1],
      [2, 101],
    ]) {
      await client.query(`INSERT INTO sites (name, slug) VALUES ($1, $1)`, [`steady-${site}`]);
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO endpoints (site_id, target) SELECT id, $2 FROM sites WHERE slug = $1 RETURNING id`,
        [`steady-${site}`, checkTarget(url, first)],
      );
      const check = await client.query<{ id: number }>(
        `INSERT INTO checks (endpoint_id, name, type, interval_s, timeout_ms, locations, failing_locations_threshold)
         VALUES ($1, $2, 'http', 20, 5000, '{steady-1}', '1') RETURNING id`,
        [rows[0].id, `steady ${first}`],
      );
      await client.query(`INSERT INTO location_states (check_id, site_id, location) SELECT $1, site_id, 'steady-1' FROM endpoints WHERE id = $2`, [
        check.rows[0].id,
        rows[0].id,
      ]);
    }
  });

  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  it('fills each site up to N checks with copies of its first, each on its own path, with a location state due now', async () => {
    expect(await cloneSiteChecks(client, url, 150, 100)).toBe(148);
    const { rows } = await client.query<{ site: string; n: string; paths: string; intervals: string; names: string }>(
      `SELECT s.slug AS site, count(*) AS n, count(DISTINCT e.target) AS paths,
              string_agg(DISTINCT c.interval_s::text || '/' || c.timeout_ms || '/' || c.locations::text || '/' || c.failing_locations_threshold, ',') AS intervals,
              count(DISTINCT c.name) AS names
       FROM checks c JOIN endpoints e ON e.id = c.endpoint_id JOIN sites s ON s.id = e.site_id
       GROUP BY s.slug ORDER BY s.slug`,
    );
    expect(rows).toEqual([
      { site: 'steady-1', n: '100', paths: '100', intervals: '20/5000/{steady-1}/1', names: '100' },
      { site: 'steady-2', n: '50', paths: '50', intervals: '20/5000/{steady-1}/1', names: '50' },
    ]);
    const targets = await client.query<{ first: string; last: string }>(`SELECT min(target) AS first, max(target) AS last FROM endpoints e JOIN sites s ON s.id = e.site_id WHERE s.slug = 'steady-2'`);
    expect(targets.rows[0]).toEqual({ first: checkTarget(url, 101), last: checkTarget(url, 150) });
    const states = await client.query<{ n: string; due: boolean }>(`SELECT count(*) AS n, bool_and(next_due_at <= now()) AS due FROM location_states WHERE location = 'steady-1'`);
    expect(states.rows[0]).toEqual({ n: '150', due: true });
  });
});
