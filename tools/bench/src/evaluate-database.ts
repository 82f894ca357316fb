import { connectPostgres, RESULTS_CHANNEL } from '@vigil/db';
import type { Client } from 'pg';

/** One connection to the scratch database for the whole run (the feeder's and the bench's queries). */
export function connectBench(url: string): Promise<Client> {
  return connectPostgres(url, 'start it, or name a server with --database-url or BENCH_DATABASE_URL');
}

/**
 * Channels as a deployment has them: one for every site told about confirmed outages, one
 * that also wants suspicions, and a disabled one, so the evaluator writes outbox rows.
 */
export async function seedChannels(client: Client): Promise<number> {
  const { rowCount } = await client.query(
    `INSERT INTO notification_channels (name, type, site_ids, notify_on_seems_down, enabled) VALUES
       ('ops webhook', 'webhook', '{}', false, true),
       ('ops slack', 'slack', '{}', true, true),
       ('old pager', 'pagerduty', '{}', false, false)`,
  );
  return rowCount ?? 0;
}

/**
 * Which results fail, the same for the backlog and the feed: every 10th check fails from two
 * of its three locations (an outage: opened, then confirmed on the second round), every 10th
 * (offset 5) fails once from one location (a blip: opened, then closed as a false alarm).
 */
const FAILS = `CASE
  WHEN ls.check_id % 10 = 0 THEN ls.location <> 'ap-1'
  WHEN ls.check_id % 10 = 5 THEN ls.location = 'eu-1' AND round = 1
  ELSE false END`;

/** Inserted columns for a result of location state `ls` in round `round`, failing per {@link FAILS}. */
const RESULT_COLUMNS = `ls.check_id, ls.site_id, gen_random_uuid(), ls.location, NOT fails,
  CASE WHEN fails THEN 503 ELSE 200 END, 40,
  CASE WHEN fails THEN 'unexpected_status' END, CASE WHEN fails THEN 'expected 2xx, got 503' END`;

const INSERT_RESULT = `INSERT INTO check_results (check_id, site_id, run_id, location, ok, status_code, latency_ms, error_code, error, checked_at)`;

export interface Backlog {
  readonly checks: number;
  readonly results: number;
  /** When it became visible (committed), by this process's clock. */
  readonly committedAt: number;
}

/**
 * Stores `rounds` rounds of every location of checks 1..`checks` in one statement, with the
 * ingest NOTIFY in it, as a burst of reports would. Checked a minute apart, in the past.
 */
export async function insertBacklog(client: Client, checks: number, rounds: number): Promise<Backlog> {
  const { rowCount } = await client.query(
    `WITH stored AS (
       ${INSERT_RESULT}
       SELECT ${RESULT_COLUMNS},
              now() - interval '1 hour' + round * interval '60 seconds' + (ls.check_id % 3) * interval '1 second'
       FROM location_states ls CROSS JOIN generate_series(1, $1::int) AS round
       CROSS JOIN LATERAL (SELECT ${FAILS} AS fails) f
       WHERE ls.check_id <= $2::int
       ORDER BY round, ls.check_id, ls.location
       RETURNING 1
     )
     SELECT pg_notify('${RESULTS_CHANNEL}', '') FROM (SELECT count(*) FROM stored) AS s`,
    [rounds, checks],
  );
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM check_results');
  if (rowCount !== 1) throw new Error('the backlog was not stored');
  return { checks, results: Number(rows[0].n), committedAt: Date.now() };
}

/**
 * Has the database note when each result leaves the evaluation queue (pending_results), in a
 * table of the bench's own: Vigil keeps no evaluation time. A statement trigger, one INSERT per
 * evaluation's DELETE, timed by the clock as the evaluation writes (within its own few ms of
 * its commit, as evaluated_at was).
 */
export async function recordEvaluations(client: Client): Promise<void> {
  await client.query(`
    CREATE TABLE bench_evaluated (result_id bigint PRIMARY KEY, at timestamptz NOT NULL);
    CREATE FUNCTION bench_note_evaluated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO bench_evaluated SELECT result_id, clock_timestamp() FROM gone;
      RETURN NULL;
    END $$;
    CREATE TRIGGER bench_evaluated AFTER DELETE ON pending_results REFERENCING OLD TABLE AS gone
      FOR EACH STATEMENT EXECUTE FUNCTION bench_note_evaluated();`);
}

/** Results not evaluated yet (the evaluator's queue). */
export async function pendingResults(client: Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pending_results');
  return Number(rows[0].n);
}

/** When the last evaluation wrote (see recordEvaluations), in ms since the epoch. */
export async function lastEvaluatedAt(client: Client): Promise<number> {
  const { rows } = await client.query<{ at: Date | null }>('SELECT max(at) AS at FROM bench_evaluated');
  return rows[0].at?.getTime() ?? Number.NaN;
}

export interface WrittenCounts {
  readonly transitions: number;
  readonly openEvents: number;
  readonly closedEvents: number;
  readonly outbox: number;
  readonly downChecks: number;
}

/** What the evaluations wrote: the same backlog must give the same counts, whatever the evaluator's speed. */
export async function writtenCounts(client: Client): Promise<WrittenCounts> {
  const { rows } = await client.query<Record<keyof WrittenCounts, string>>(
    `SELECT (SELECT count(*) FROM event_transitions) AS transitions,
            (SELECT count(*) FROM site_events WHERE ended_at IS NULL) AS "openEvents",
            (SELECT count(*) FROM site_events WHERE ended_at IS NOT NULL) AS "closedEvents",
            (SELECT count(*) FROM notifications) AS outbox,
            (SELECT count(*) FROM checks WHERE status = 'down') AS "downChecks"`,
  );
  const row = rows[0];
  return {
    transitions: Number(row.transitions),
    openEvents: Number(row.openEvents),
    closedEvents: Number(row.closedEvents),
    outbox: Number(row.outbox),
    downChecks: Number(row.downChecks),
  };
}

/**
 * Stores one round of every location for each of `checks` (ids), checked now, with the ingest
 * NOTIFY, and returns the new rows' ids. `round` feeds the failure pattern.
 */
export async function feedRound(client: Client, checks: readonly number[], round: number): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `WITH stored AS (
       ${INSERT_RESULT}
       SELECT ${RESULT_COLUMNS}, now()
       FROM location_states ls CROSS JOIN (SELECT $2::int AS round) r
       CROSS JOIN LATERAL (SELECT ${FAILS} AS fails) f
       WHERE ls.check_id = ANY($1::int[])
       RETURNING id
     ), woken AS (
       SELECT pg_notify('${RESULTS_CHANNEL}', '') FROM (SELECT 1 FROM stored LIMIT 1) AS any_stored
     )
     SELECT id, (SELECT count(*) FROM woken) AS woken FROM stored`,
    [checks, round],
  );
  return rows.map((row) => row.id);
}

export interface Latencies {
  /** received_at → evaluation (see recordEvaluations), in ms, of the results evaluated. */
  readonly ms: number[];
  readonly pending: number;
}

/** How long each of the results `ids` waited from being stored to being evaluated. */
export async function latenciesOf(client: Client, ids: readonly string[]): Promise<Latencies> {
  const { rows } = await client.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM e.at - r.received_at) * 1000)::float8 AS ms
     FROM check_results r LEFT JOIN bench_evaluated e ON e.result_id = r.id WHERE r.id = ANY($1::bigint[])`,
    [ids],
  );
  const ms = rows.flatMap((row) => (row.ms === null ? [] : [row.ms]));
  return { ms, pending: rows.length - ms.length };
}
