import { performance } from 'node:perf_hooks';
import { connectPostgres, migrate, openDatabase } from '@vigil/db';
import { generateRunnerKeyPair } from '@vigil/runner-auth';
import type { Client } from 'pg';

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectPostgres(url, 'start it, or name a server with --database-url or BENCH_DATABASE_URL');
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ScratchDatabase {
  readonly name: string;
  /** The scratch database's URL, for the controller and the seeding. */
  readonly url: string;
  /** `PostgreSQL 15.4` */
  readonly serverVersion: string;
  drop(): Promise<void>;
}

/** Creates `name` (default `vigil_bench_<pid>`) on the server; `drop()` removes it, sessions and all. */
export async function createScratchDatabase(serverUrl: string, name = `vigil_bench_${process.pid}`): Promise<ScratchDatabase> {
  const serverVersion = await withClient(serverUrl, async (client) => {
    // A leftover of an earlier run that had the same pid and was killed before its cleanup.
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
    const { rows } = await client.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    return `PostgreSQL ${rows[0].version.split(' ')[0]}`;
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    serverVersion,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Applies prisma/migrations with the project's own migrator. */
export async function migrateDatabase(url: string): Promise<number> {
  const db = await openDatabase({ kind: 'postgres', url }, { poolSize: 1 });
  try {
    return (await migrate(db)).applied.length;
  } finally {
    await db.close();
  }
}

export interface SeededRunner {
  readonly slug: string;
  readonly privateKeyPem: string;
}

export interface Seed {
  readonly sites: number;
  readonly checks: number;
  readonly locationStates: number;
  readonly runners: readonly SeededRunner[];
  readonly seconds: number;
}

const CHECKS_PER_SITE = 100;
const RUNNER_SLUGS = ['us-1', 'eu-1', 'ap-1'];

function runnerSlug(index: number): string {
  return RUNNER_SLUGS[index] ?? `bench-${index + 1}`;
}

const SEEDED_TABLES = ['sites', 'endpoints', 'checks', 'location_states'];

/**
 * Inside the seeding transaction, as a superuser: no foreign-key triggers (the rows are made
 * by joins of their parents, so they hold anyway), which would otherwise cost one lookup per row.
 */
export async function bulkLoadMode(client: Client): Promise<void> {
  const { rows } = await client.query<{ super: boolean }>('SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user');
  if (rows[0]?.super) await client.query("SET LOCAL session_replication_role = 'replica'");
}

/**
 * Drops the indexes of `tables` that back no constraint and returns their definitions, to be
 * run again once the rows are in: building an index once is much faster than growing it row by row.
 */
export async function dropSecondaryIndexes(client: Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     WHERE i.indrelid = ANY ($1::text[]::regclass[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const row of rows) await client.query(`DROP INDEX ${row.name}`);
  // A partitioned table's index reads `ON ONLY`: run as is, it would build on the parent alone and
  // stay invalid (no ON CONFLICT could use it); without ONLY it builds on every partition.
  return rows.map((row) => row.definition.replace(' ON ONLY ', ' ON '));
}

// Plausible settings for an http check; the simulated runners never probe anything.
const HTTP_SPEC = JSON.stringify({ method: 'GET', expected_statuses: [200], follow_redirects: true, verify_tls: true });

/**
 * Sites of 100 endpoints with one http check each (interval 60 s unless `intervalS`, every runner's location),
 * the runners with fresh ES256 keys, and one location state per check and runner, all due:
 * next_due_at spread over the past minute by the same hash as the scheduler's offset.
 */
export async function seedDatabase(url: string, options: { checks: number; runners: number; intervalS?: number }): Promise<Seed> {
  const start = performance.now();
  const sites = Math.ceil(options.checks / CHECKS_PER_SITE);
  const keys = Array.from({ length: options.runners }, (_, i) => ({ slug: runnerSlug(i), ...generateRunnerKeyPair() }));
  const counts = await withClient(url, async (client) => {
    await client.query('BEGIN');
    await bulkLoadMode(client);
    const rebuild = await dropSecondaryIndexes(client, SEEDED_TABLES);
    await client.query(
      `INSERT INTO runners (slug, name, public_key, key_id)
       SELECT slug, 'Bench runner ' || slug, public_key, key_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS r(slug, public_key, key_id)`,
      [keys.map((k) => k.slug), keys.map((k) => k.publicKeyPem), keys.map((k) => k.kid)],
    );
    await client.query(
      `INSERT INTO sites (name, slug) SELECT 'Bench site ' || s, 'bench-site-' || s FROM generate_series(1, $1::int) AS s`,
      [sites],
    );
    await client.query(
      `INSERT INTO endpoints (site_id, target)
       SELECT s.id, 'https://site-' || s.id || '.bench.example/page-' || e
       FROM sites s CROSS JOIN generate_series(1, $2::int) AS e
       WHERE (s.id - 1) * $2::int + e <= $1::int`,
      [options.checks, CHECKS_PER_SITE],
    );
    await client.query(
      `INSERT INTO checks (endpoint_id, type, spec, interval_s, timeout_ms, locations)
       SELECT id, 'http', $1::jsonb, $2::int, 10000, '{}' FROM endpoints ORDER BY id`,
      [HTTP_SPEC, options.intervalS ?? 60],
    );
    const states = await client.query(
      `INSERT INTO location_states (check_id, site_id, location, next_due_at)
       SELECT c.id, e.site_id, r.slug, now() - ((c.id::bigint * 2654435761) % 60000) * interval '1 millisecond'
       FROM checks c JOIN endpoints e ON e.id = c.endpoint_id CROSS JOIN runners r`,
    );
    for (const definition of rebuild) await client.query(definition);
    await client.query('COMMIT');
    // What autovacuum would have done by the time a real deployment reached this size.
    await client.query('ANALYZE');
    return { locationStates: states.rowCount ?? 0 };
  });
  return {
    sites,
    checks: options.checks,
    locationStates: counts.locationStates,
    runners: keys.map(({ slug, privateKeyPem }) => ({ slug, privateKeyPem })),
    seconds: (performance.now() - start) / 1000,
  };
}

/** Rows in check_results: every accepted result must be there, and nothing else. */
export async function countStoredResults(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM check_results');
    return Number(rows[0].n);
  });
}
