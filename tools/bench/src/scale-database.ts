import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RETENTION_DEFAULT_DAYS } from '@vigil/config';
import { connectPostgres, partitionName } from '@vigil/db';
import { LATENCY_BUCKETS, latencyBucket } from '@vigil/rollups';
import type { Client } from 'pg';
import { bulkLoadMode, dropSecondaryIndexes } from './ingest-database';
import { SCALE_INTERVAL_S } from './scale-options';

/** One connection to the scale database (seeding, sizes, counts). */
export function connectScale(url: string): Promise<Client> {
  return connectPostgres(url, 'start it, or name a server with --database-url or BENCH_DATABASE_URL');
}

/** Results a series (one check at one location) has per hour and per day at the seeded interval. */
export const RESULTS_PER_HOUR = 3600 / SCALE_INTERVAL_S;
export const RESULTS_PER_DAY = 24 * RESULTS_PER_HOUR;

/**
 * A histogram of `n` successful results spread over the buckets of 80..300 ms (the load's
 * latencies), as the evaluator would have counted them: the same length (112) as every rollup.
 */
export function seededHistogram(n: number): number[] {
  const histogram = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (let i = 0; i < n; i++) histogram[latencyBucket(80 + Math.floor((220 * i) / Math.max(1, n)))] += 1;
  return histogram;
}

export interface HistorySeed {
  readonly series: number;
  readonly daily: number;
  readonly hourly: number;
  readonly raw: number;
  /** check_results' partitions after seeding (0 on a table that is not partitioned). */
  readonly partitions: number;
  readonly seconds: number;
}

const ROLLUP_INSERT = (table: string) => `INSERT INTO ${table} (check_id, location, bucket_start, count, failures, inconclusive, degraded,
    latency_count, latency_sum, latency_min, latency_max, histogram)`;

/**
 * The history of checks 1..`checks`, every location, at a 5-minute interval, all of it up and
 * fast: `days` daily rollups before today, `hourlyDays` of hourly rollups before this hour, and
 * `rawDays` of raw results (evaluated) before now. One statement per table, in a transaction
 * with the foreign-key triggers off and the secondary indexes built once at the end.
 */
export async function seedHistory(
  client: Client,
  options: { checks: number; days: number; hourlyDays: number; rawDays: number },
  progress: (line: string) => void,
): Promise<HistorySeed> {
  const start = performance.now();
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const at = performance.now();
    const value = await fn();
    progress(`  ${what} in ${((performance.now() - at) / 1000).toFixed(1)} s`);
    return value;
  };
  const series = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM location_states WHERE check_id <= $1', [options.checks])).rows[0].n);
  const rollups = async (table: 'check_rollups_daily' | 'check_rollups_hourly', unit: 'day' | 'hour', buckets: number, perBucket: number): Promise<number> => {
    if (buckets === 0) return 0;
    await client.query('BEGIN');
    await bulkLoadMode(client);
    const { rowCount } = await client.query(
      `${ROLLUP_INSERT(table)}
       SELECT ls.check_id, ls.location, date_trunc('${unit}', now(), 'UTC') - b * interval '1 ${unit}',
              $3::int, 0, 0, 0, $3::int, $3::bigint * 190, 80, 299, $4::int[]
       FROM location_states ls CROSS JOIN generate_series(1, $2::int) AS b
       WHERE ls.check_id <= $1::int
       ORDER BY ls.check_id, ls.location, b DESC`,
      [options.checks, buckets, perBucket, seededHistogram(perBucket)],
    );
    await client.query('COMMIT');
    return rowCount ?? 0;
  };
  const daily = await step(`daily rollups (${options.days} days)`, () => rollups('check_rollups_daily', 'day', options.days, RESULTS_PER_DAY));
  const hourly = await step(`hourly rollups (${options.hourlyDays} days)`, () =>
    rollups('check_rollups_hourly', 'hour', options.hourlyDays * 24, RESULTS_PER_HOUR),
  );
  // Folded as the retention job leaves them (foldRollups of libs/db, every hour): today's hours
  // before the current one in today's daily rollups, the current hour hourly only.
  await step(`today's hours folded into the daily rollups`, () =>
    client.query(
      `WITH f AS (UPDATE rollup_folds SET folded_until = date_trunc('hour', now(), 'UTC'), folding_to = date_trunc('hour', now(), 'UTC'), folding_cursor = 0 RETURNING folded_until)
       ${ROLLUP_INSERT('check_rollups_daily')}
       SELECT h.check_id, h.location, date_trunc('day', h.bucket_start, 'UTC'), sum(h.count)::int, sum(h.failures)::int, sum(h.inconclusive)::int,
         sum(h.degraded)::int, sum(h.latency_count)::int, sum(h.latency_sum)::bigint, min(h.latency_min), max(h.latency_max), vigil_histogram_sum(h.histogram)
       FROM check_rollups_hourly h, f
       WHERE h.bucket_start >= date_trunc('day', f.folded_until, 'UTC') AND h.bucket_start < f.folded_until
       GROUP BY 1, 2, 3`,
    ),
  );
  const partitions = await step(`daily partitions of check_results for the ${RETENTION_DEFAULT_DAYS.results} days retention keeps`, () =>
    pastPartitions(client, RETENTION_DEFAULT_DAYS.results),
  );
  const raw = await step(`raw results (${options.rawDays} days)`, async () => {
    if (options.rawDays === 0) return 0;
    await client.query('BEGIN');
    await bulkLoadMode(client);
    // History, evaluated already: not queued for the evaluator (pending_results).
    await client.query('ALTER TABLE check_results DISABLE TRIGGER check_results_queue');
    const rebuild = await dropSecondaryIndexes(client, ['check_results']);
    // As the load's runners report them: 200 in 60..299 ms, with the timing phases.
    const { rowCount } = await client.query(
      `INSERT INTO check_results (check_id, site_id, run_id, location, ok, status_code, latency_ms, timings, checked_at, received_at)
       SELECT ls.check_id, ls.site_id, gen_random_uuid(), ls.location, true, 200, l.ms,
              jsonb_build_object('dns', 2, 'tcp', 9, 'tls', 21, 'first_byte', l.ms - 37, 'download', 5, 'total', l.ms),
              t.at, t.at
       FROM generate_series(1, $2::int) AS k CROSS JOIN location_states ls
       -- n: a number per state (they have no id), to spread the times and latencies.
       CROSS JOIN LATERAL (SELECT ls.check_id::bigint * 3 + ascii(ls.location) AS n) s
       CROSS JOIN LATERAL (SELECT now() - k * interval '${SCALE_INTERVAL_S} seconds' - (s.n % ${SCALE_INTERVAL_S}) * interval '1 second' AS at) t
       CROSS JOIN LATERAL (SELECT 60 + ((s.n * 7919 + k * 104729) % 240)::int AS ms) l
       WHERE ls.check_id <= $1::int`,
      [options.checks, options.rawDays * RESULTS_PER_DAY],
    );
    for (const definition of rebuild) await client.query(definition);
    await client.query('ALTER TABLE check_results ENABLE TRIGGER check_results_queue');
    await client.query('COMMIT');
    return rowCount ?? 0;
  });
  // What autovacuum would have done by then: visibility map set, statistics current.
  await step('VACUUM ANALYZE', () => client.query('VACUUM ANALYZE check_results, check_rollups_daily, check_rollups_hourly, checks, location_states, sites'));
  return { series, daily, hourly, raw, partitions, seconds: (performance.now() - start) / 1000 };
}

/**
 * The live state of a deployment that has been running: every runner just seen, every check and
 * site up and checked now, every location's last result ok, conclusive and fresh, its last run
 * leased and evaluated. Without it the
 * load would measure a new deployment's first minutes (every check's first result moves it from
 * unknown, so every batch projects its sites, and runners never seen go offline after seeding
 * that took minutes), not the steady state. Run just before the load: freshness counts from now.
 */
export async function settleLiveState(client: Client): Promise<void> {
  await client.query('UPDATE runners SET last_seen_at = now()');
  // Each state's previous run leased, reported and evaluated: the evaluation clears leased_until
  // (strikesWrite of libs/evaluation), so in steady state a lease has no stored run to look up.
  // A leased_until left set made every lease of the window probe check_results for each row
  // (6 buffers a row, two daily partitions), which steady state never does.
  await client.query(
    `UPDATE location_states SET last_result_at = now(), last_ok = true, last_inconclusive = false, passing_strikes = 1, failing_strikes = 0, resolved = true,
       lease_run_id = gen_random_uuid(), leased_until = NULL`,
  );
  await client.query(`UPDATE checks SET status = 'up', last_checked_at = now(), last_status_change_at = coalesce(last_status_change_at, now())`);
  await client.query(`UPDATE sites SET status = 'up', last_checked_at = now(), last_status_change_at = coalesce(last_status_change_at, now())`);
  await client.query('VACUUM ANALYZE location_states, checks, sites');
}

const DAY_MS = 86_400_000;

/**
 * The daily partitions of check_results for the `days` before today, as a deployment whose
 * retention job has run for that long has them (the migration made only today's and those
 * ahead): every look-up of a stored run that is not bounded by time pays for each. Gives how
 * many partitions the table has then.
 */
async function pastPartitions(client: Client, days: number): Promise<number> {
  const partitioned = await client.query(`SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('check_results')`);
  if (partitioned.rowCount === 0) return 0;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  for (let d = 1; d <= days; d++) {
    const from = today - d * DAY_MS;
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(from)} PARTITION OF check_results
       FOR VALUES FROM ('${new Date(from).toISOString()}') TO ('${new Date(from + DAY_MS).toISOString()}')`,
    );
  }
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_partition_tree('check_results') WHERE isleaf`)).rows[0].n);
}

/** The server settings that most move write-heavy figures, as `name=value` pairs (printed with the figures). */
export async function serverSettings(client: Client): Promise<string> {
  const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings
     WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'synchronous_commit') ORDER BY name`,
  );
  const value = (r: { setting: string; unit: string | null }) =>
    r.unit === '8kB' ? `${Math.round((Number(r.setting) * 8) / 1024)}MB` : r.unit === null ? r.setting : `${r.setting}${r.unit}`;
  return rows.map((r) => `${r.name}=${value(r)}`).join(' ');
}

/** Every site's status page public, so the status page read finds one. */
export async function publishStatusPages(client: Client): Promise<void> {
  await client.query('UPDATE sites SET public_status_page = true');
}

export interface TableSize {
  readonly table: string;
  /** Heap, indexes and TOAST. */
  readonly bytes: number;
  readonly rows: number;
  /** Results the rows account for: rows for check_results, the sum of `count` for the rollups. */
  readonly results: number;
}

export interface Sizes {
  readonly database: number;
  readonly results: TableSize;
  readonly hourly: TableSize;
  readonly daily: TableSize;
}

/**
 * The database's size and the three tables of results, with what their rows account for.
 * check_results is partitioned on PostgreSQL (ADR 0013): the parent holds nothing itself, so its
 * size is the sum over its partition tree (a plain table's tree is itself).
 */
export async function measureSizes(client: Client): Promise<Sizes> {
  const { rows } = await client.query<{ database: string; raw_bytes: string; raw_rows: string; h_bytes: string; h_rows: string; h_results: string; d_bytes: string; d_rows: string; d_results: string }>(
    `SELECT pg_database_size(current_database()) AS database,
            (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('check_results')) AS raw_bytes, (SELECT count(*) FROM check_results) AS raw_rows,
            pg_total_relation_size('check_rollups_hourly') AS h_bytes, h.rows AS h_rows, h.results AS h_results,
            pg_total_relation_size('check_rollups_daily') AS d_bytes, d.rows AS d_rows, d.results AS d_results
     FROM (SELECT count(*) AS rows, coalesce(sum(count), 0) AS results FROM check_rollups_hourly) h,
          (SELECT count(*) AS rows, coalesce(sum(count), 0) AS results FROM check_rollups_daily) d`,
  );
  const r = rows[0];
  return {
    database: Number(r.database),
    results: { table: 'check_results', bytes: Number(r.raw_bytes), rows: Number(r.raw_rows), results: Number(r.raw_rows) },
    hourly: { table: 'check_rollups_hourly', bytes: Number(r.h_bytes), rows: Number(r.h_rows), results: Number(r.h_results) },
    daily: { table: 'check_rollups_daily', bytes: Number(r.d_bytes), rows: Number(r.d_rows), results: Number(r.d_results) },
  };
}

export interface RawInsert {
  readonly rows: number;
  readonly seconds: number;
}

interface Series {
  check_id: number;
  site_id: number;
  location: string;
}

/**
 * The floor the end-to-end rate is compared with: `connections` connections each storing
 * batches of `batch` result rows like the load's (200, a latency, the timing phases, checked
 * now; no evaluation) into check_results with one plain multi-row INSERT, for `seconds`.
 * The rows are deleted afterwards (and the table vacuumed), so the load starts as seeded.
 * They are not queued for the evaluator (the queue's trigger is off meanwhile): the floor is
 * storing the rows alone, the same as before the queue (pending_results) existed.
 */
export async function measureRawInsert(url: string, options: { seconds: number; batch: number; connections: number; fromCheck: number }): Promise<RawInsert> {
  const clients = await Promise.all(Array.from({ length: options.connections }, () => connectScale(url)));
  try {
    const admin = clients[0];
    const before = Number((await admin.query<{ id: string | null }>('SELECT max(id) AS id FROM check_results')).rows[0].id ?? 0);
    await admin.query('ALTER TABLE check_results DISABLE TRIGGER check_results_queue');
    const { rows: pool } = await admin.query<Series>(
      `SELECT check_id, site_id, location FROM location_states WHERE check_id > $1 ORDER BY check_id, location LIMIT 30000`,
      [options.fromCheck],
    );
    if (pool.length === 0) throw new Error('no location states to insert raw results for');
    let next = 0;
    const rowsOf = () => {
      const picked = Array.from({ length: options.batch }, () => pool[next++ % pool.length]);
      const ms = picked.map(() => 60 + Math.floor(Math.random() * 240));
      return [
        picked.map((s) => s.check_id),
        picked.map((s) => s.site_id),
        picked.map(() => randomUUID()),
        picked.map((s) => s.location),
        ms,
        ms.map((total) => JSON.stringify({ dns: 2, tcp: 9, tls: 21, first_byte: total - 37, download: 5, total })),
        picked.map(() => new Date().toISOString()),
      ];
    };
    const start = performance.now();
    const end = start + options.seconds * 1000;
    let rows = 0;
    await Promise.all(
      clients.map(async (client) => {
        while (performance.now() < end) {
          const { rowCount } = await client.query(
            `INSERT INTO check_results (check_id, site_id, run_id, location, ok, status_code, latency_ms, timings, checked_at)
             SELECT c, s, r, l, true, 200, ms, t::jsonb, at
             FROM unnest($1::int[], $2::int[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::timestamptz[]) AS x(c, s, r, l, ms, t, at)`,
            rowsOf(),
          );
          rows += rowCount ?? 0;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    await admin.query('ALTER TABLE check_results ENABLE TRIGGER check_results_queue');
    await admin.query('DELETE FROM check_results WHERE id > $1', [before]);
    await admin.query('VACUUM check_results');
    return { rows, seconds };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

export interface LoadCounts {
  /** Stored within the window. */
  readonly stored: number;
  /** Evaluated (and so rolled up, in the same transaction) within the window. */
  readonly evaluated: number;
  /**
   * Through the whole pipeline: the lesser of the two. A pipeline sustains its slowest stage's
   * rate; evaluations of results stored before the window count no more than were stored in it.
   */
  readonly endToEnd: number;
  /** Stored but not evaluated when the window closed. */
  readonly pendingAtEnd: number;
}

/** Results with id above some id stored so far, and those of them still queued for evaluation (pending_results), at one instant. */
export interface QueueSnapshot {
  readonly stored: number;
  readonly pending: number;
}

/**
 * A {@link QueueSnapshot}, in one statement: the results evaluated by then are the stored ones
 * no longer queued (a result leaves the queue in the transaction that evaluates it).
 */
export async function queueSnapshot(client: Client, afterId: number): Promise<QueueSnapshot> {
  const { rows } = await client.query<{ stored: string; pending: string }>(
    `SELECT (SELECT count(*) FROM check_results WHERE id > $1) AS stored, (SELECT count(*) FROM pending_results WHERE result_id > $1) AS pending`,
    [afterId],
  );
  return { stored: Number(rows[0].stored), pending: Number(rows[0].pending) };
}

/**
 * What the load did between `from` and `to` (this machine's clock, which the database shares),
 * among results with id above `afterId`: stored by received_at, evaluated from the queue's
 * snapshots at the window's start and end.
 */
export async function loadCounts(client: Client, afterId: number, from: Date, to: Date, start: QueueSnapshot, end: QueueSnapshot): Promise<LoadCounts> {
  const { rows } = await client.query<{ stored: string }>(
    `SELECT count(*) FILTER (WHERE received_at >= $2 AND received_at < $3) AS stored FROM check_results WHERE id > $1`,
    [afterId, from, to],
  );
  const stored = Number(rows[0].stored);
  const evaluated = end.stored - end.pending - (start.stored - start.pending);
  return { stored, evaluated, endToEnd: Math.min(stored, evaluated), pendingAtEnd: end.pending };
}

/** The newest result's id (0 for none). */
export async function lastResultId(client: Client): Promise<number> {
  return Number((await client.query<{ id: string | null }>('SELECT max(id) AS id FROM check_results')).rows[0].id ?? 0);
}

/** Rows of the rollup tables the load wrote into (a check of the rollup step: more than 0). */
export async function rollupsTouched(client: Client, from: Date): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM check_rollups_hourly WHERE bucket_start >= date_trunc('hour', $1::timestamptz, 'UTC')`,
    [from],
  );
  return Number(rows[0].n);
}

/** Ids to read: up to `n` random checks among 1..`maxCheck` (their uuid) and up to `n` random sites (uuid and slug). */
export async function readTargets(client: Client, n: number, maxCheck: number): Promise<{ checks: string[]; sites: { uuid: string; slug: string }[] }> {
  const pick = (max: number) => Array.from({ length: n }, () => 1 + Math.floor(Math.random() * max));
  const maxSite = Number((await client.query<{ id: string }>('SELECT max(id) AS id FROM sites')).rows[0].id);
  const checks = await client.query<{ uuid: string }>('SELECT uuid FROM checks WHERE id = ANY($1::int[]) ORDER BY random()', [pick(maxCheck)]);
  const sites = await client.query<{ uuid: string; slug: string }>('SELECT uuid, slug FROM sites WHERE id = ANY($1::int[]) ORDER BY random()', [pick(maxSite)]);
  return { checks: checks.rows.map((r) => r.uuid), sites: sites.rows };
}
