import { randomBytes } from 'node:crypto';
import { type Database, withTransaction } from '@vigil/db';
import { createTestDatabase, genericPlanScansRun, genericPlanSeqScans, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { judgeAndStoreStatement, toRecord } from './ingest/store-results';
import { leaseDueRuns, leaseStatement } from './scheduling/lease';
import { runsDueStatement } from './scheduling/runs-due';

// The statements every poll and report runs are prepared, and after a few runs PostgreSQL may
// keep a generic plan for them: one that cannot tell how few rows a LIMIT or a report leaves.
// Such a plan once read every location state on every poll and every check (and, for a late
// result, every stored result) on every report. With a steady-state's statistics, no table
// that grows with the checks is read whole.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('hot statements’ generic plans on %s', (kind) => {
  const location = 'plans-1';
  // On PostgreSQL check_results is partitioned by day (ADR 0013): a scan of a partition that holds
  // results counts. The empty ones made ahead cost nothing to scan; ANALYZE, once they fill,
  // invalidates the cached plans, which are then made with their statistics.
  const populated = new Set<string>();
  const growing = (table: string) => ['check_results', 'checks', 'endpoints', 'location_states'].includes(table) || populated.has(table);
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // 2,000 checks on 20 sites, a state each, ten stored results each.
    await database.db.prisma.$executeRawUnsafe(`INSERT INTO sites (name, slug) SELECT 'plans ' || g, 'plans-' || g FROM generate_series(1, 20) g`);
    await database.db.prisma.$executeRawUnsafe(`INSERT INTO endpoints (site_id, target) SELECT id, 'http://127.0.0.1:9/' || id FROM sites`);
    await database.db.prisma.$executeRawUnsafe(
      `INSERT INTO checks (endpoint_id, type, interval_s, timeout_ms, status) SELECT e.id, 'http', 20, 5000, 'up' FROM endpoints e CROSS JOIN generate_series(1, 100)`,
    );
    await database.db.prisma.$executeRawUnsafe(
      `INSERT INTO location_states (check_id, site_id, location, next_due_at)
       SELECT c.id, e.site_id, '${location}', now() + (c.id % 20) * interval '1 second' FROM checks c JOIN endpoints e ON e.id = c.endpoint_id`,
    );
    await database.db.prisma.$executeRawUnsafe(
      `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at)
       SELECT ls.check_id, ls.site_id, gen_random_uuid(), ls.location, true, now() FROM location_states ls CROSS JOIN generate_series(1, 10)`,
    );
    // History, evaluated: not queued.
    await database.db.prisma.$executeRawUnsafe('DELETE FROM pending_results');
    // Leased, as in a steady state: the lease asks whether each lease's run was stored.
    await leaseDueRuns(database.db, location, 100);
    await database.db.prisma.$executeRawUnsafe('ANALYZE');
    const partitions = await database.db.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('check_results') AND c.reltuples > 0`,
    );
    for (const { name } of partitions) populated.add(name);
    expect(kind === 'embedded' || populated.size > 0).toBe(true);
  });
  afterAll(() => database.dispose());

  it('a lease probes indexes only', async () => {
    const scans = await genericPlanSeqScans(database.db, leaseStatement(location, 100, 1_000));
    expect(scans.filter(growing)).toEqual([]);
  });

  it('looking for due runs of a location without states probes indexes only', async () => {
    const scans = await genericPlanSeqScans(database.db, runsDueStatement('@controller', 1_000));
    expect(scans.filter(growing)).toEqual([]);
  });

  it('storing a report probes indexes only', async () => {
    const scans = await genericPlanSeqScans(database.db, judgeAndStoreStatement(location, []));
    expect(scans.filter(growing)).toEqual([]);
  });
});

interface AnalyzedNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Relation Name'?: string;
  Plans?: AnalyzedNode[];
}

class RolledBack extends Error {}

/**
 * Runs `statement`'s generic plan (rolled back): the rows it returned, the rows read through
 * location_states' primary key and those fetched by ctid (a TID scan).
 */
async function leaseKeyReads(
  db: Pick<Database, 'prisma'>,
  statement: { text: string; values: readonly unknown[] },
): Promise<{ leased: number; keyRowsRead: number; tidRowsRead: number }> {
  const name = `vigil_plan_${randomBytes(6).toString('hex')}`;
  const literal = (value: unknown) => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
  let plan: AnalyzedNode | undefined;
  await withTransaction(db, async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await tx.$executeRawUnsafe(`PREPARE ${name} AS ${statement.text}`);
    const [row] = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}(${statement.values.map(literal).join(', ')})`);
    await tx.$executeRawUnsafe(`DEALLOCATE ${name}`);
    plan = ((typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN']) as Array<{ Plan: AnalyzedNode }>)[0].Plan;
    throw new RolledBack();
  }).catch((error: unknown) => {
    if (!(error instanceof RolledBack)) throw error;
  });
  const keyRows = (node: AnalyzedNode): number =>
    (node['Index Name'] === 'location_states_pkey' ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0) : 0) +
    (node.Plans ?? []).reduce((sum, child) => sum + keyRows(child), 0);
  const tidRows = (node: AnalyzedNode): number =>
    (node['Node Type'] === 'Tid Scan' && node['Relation Name'] === 'location_states' ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0) : 0) +
    (node.Plans ?? []).reduce((sum, child) => sum + tidRows(child), 0);
  if (plan === undefined) throw new Error('no plan');
  return { leased: plan['Actual Rows'] ?? 0, keyRowsRead: keyRows(plan), tidRowsRead: tidRows(plan) };
}

// A steady state's location states: 2,000 checks due over the next 20 s, a few already due.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the lease on %s', (kind) => {
  const location = 'lease-1';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const prisma = database.db.prisma;
    await prisma.$executeRawUnsafe(`INSERT INTO sites (name, slug) VALUES ('lease', 'lease')`);
    await prisma.$executeRawUnsafe(`INSERT INTO endpoints (site_id, target) SELECT id, 'http://127.0.0.1:9/' || g FROM sites CROSS JOIN generate_series(1, 2000) g`);
    // Other sites, a few archived: a deployment's sites outnumber a lease's rows.
    await prisma.$executeRawUnsafe(
      `INSERT INTO sites (name, slug, archived_at) SELECT 'other ' || g, 'other-' || g, CASE WHEN g % 500 = 0 THEN now() END FROM generate_series(1, 5000) g`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO checks (endpoint_id, type, spec, interval_s, timeout_ms, locations) SELECT id, 'http', '{"method": "GET"}', 20, 5000, ARRAY['${location}'] FROM endpoints`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO location_states (check_id, site_id, location, next_due_at)
       SELECT c.id, e.site_id, '${location}', now() + ((c.id % 200) / 10.0 - 1.5) * interval '1 second' FROM checks c JOIN endpoints e ON e.id = c.endpoint_id`,
    );
    await prisma.$executeRawUnsafe('ANALYZE');
  });
  afterAll(() => database.dispose());

  it('updates each leased row through its ctid, never probing the primary key', async () => {
    // Its generic plan once probed the key with the whole array of leased ids, once per leased
    // row (a nested loop): 200 × 200 rows read for a lease of 200. Then once per leased row; now
    // the locked rows' ctids lead straight to their heap pages.
    const { leased, keyRowsRead, tidRowsRead } = await leaseKeyReads(database.db, leaseStatement(location, 200, 1_200));
    expect(leased).toBe(200);
    expect(keyRowsRead).toBe(0);
    expect(tidRowsRead).toBe(leased);
  });

  it('asks after archived sites without reading every site', async () => {
    // Its generic plan read the whole sites table on every poll (7 ms of 13 with 20,000 sites).
    expect(await genericPlanSeqScans(database.db, leaseStatement(location, 200, 1_200))).not.toContain('sites');
  });
});

// PostgreSQL only: check_results is partitioned by day there (ADR 0013), and retention keeps thirty
// days and more of partitions. A lease asks, per leased row, whether its run was stored; a report
// asks, per result that is not the leased run, whether it was stored before: each must read the
// partitions of the days near that run, not every day's.
const onPostgres = testDatabaseKinds({ postgres: 'semantics' }).includes('postgres');
(onPostgres ? describe : describe.skip)('look-ups of stored runs among a month of daily partitions', () => {
  const location = 'months-1';
  const day = 24 * 3600 * 1000;
  const partitionOf = (at: Date) => `check_results_p${at.toISOString().slice(0, 10).replace(/-/g, '')}`;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const prisma = database.db.prisma;
    const today = Math.floor(Date.now() / day) * day;
    for (let d = 2; d <= 30; d++) {
      const from = new Date(today - d * day);
      await prisma.$executeRawUnsafe(
        `CREATE TABLE IF NOT EXISTS ${partitionOf(from)} PARTITION OF check_results FOR VALUES FROM ('${from.toISOString()}') TO ('${new Date(from.getTime() + day).toISOString()}')`,
      );
    }
    await prisma.$executeRawUnsafe(`INSERT INTO sites (name, slug) VALUES ('months', 'months')`);
    await prisma.$executeRawUnsafe(`INSERT INTO endpoints (site_id, target) SELECT id, 'http://127.0.0.1:9/' || g FROM sites CROSS JOIN generate_series(1, 50) g`);
    await prisma.$executeRawUnsafe(`INSERT INTO checks (endpoint_id, type, interval_s, timeout_ms, status) SELECT id, 'http', 20, 5000, 'up' FROM endpoints`);
    // Leased and overdue, as after a poll whose runner then went quiet: the lease asks after each run.
    await prisma.$executeRawUnsafe(
      `INSERT INTO location_states (check_id, site_id, location, next_due_at, lease_run_id, leased_until)
       SELECT c.id, e.site_id, '${location}', now() - interval '1 minute', gen_random_uuid(), now() - interval '10 seconds'
       FROM checks c JOIN endpoints e ON e.id = c.endpoint_id`,
    );
    await prisma.$executeRawUnsafe('ANALYZE');
  });
  afterAll(() => database.dispose());

  const monthOld = () => partitionOf(new Date(Date.now() - 20 * day));

  it('a lease reads only the partitions within a day of its leases', async () => {
    const scans = await genericPlanScansRun(database.db, leaseStatement(location, 100, 0));
    const partitions = scans.filter((name) => name.startsWith('check_results_'));
    expect(partitions.length).toBeGreaterThan(0);
    expect(partitions).not.toContain(monthOld());
    expect(partitions.length).toBeLessThanOrEqual(4);
  });

  it('a report of a run that is not leased reads only the partition of its checked_at', async () => {
    const [check] = await database.db.prisma.$queryRawUnsafe<{ uuid: string }[]>(`SELECT uuid FROM checks ORDER BY id LIMIT 1`);
    const record = toRecord({ run_id: '00000000-0000-4000-8000-000000000001', check_id: check.uuid, ok: true, checked_at: new Date().toISOString() }, 0);
    const scans = await genericPlanScansRun(database.db, judgeAndStoreStatement(location, [record]));
    const partitions = scans.filter((name) => name.startsWith('check_results_'));
    expect(partitions).not.toContain(monthOld());
    expect(partitions.length).toBeLessThanOrEqual(2);
  });
});
