import { preparedStatementName, withTransaction } from '@vigil/db';
import { createTestDatabase, customPlanSeqScans, genericPlanScansRun, genericPlanSeqScans, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { claimPendingStatement } from './evaluate-pending';
import { candidatesStatement, rearmStatement } from './freshness-sweep';
import { LOAD } from './load-rows';
import { RESULTS_PENDING } from './probes';
import { projectionsStatement } from './write-plan';

/** 2,000 checks on 20 sites, each with a location state, a long event history and four days of results, today's queued. */
async function seedHistory(database: TestDatabase): Promise<void> {
  const { prisma } = database.db;
  await prisma.$executeRawUnsafe(`INSERT INTO sites (name, slug) SELECT 'plans ' || g, 'plans-' || g FROM generate_series(1, 20) g`);
  // 2,000 checks, each on an endpoint of its own, with a location state each.
  await prisma.$executeRawUnsafe(
    `INSERT INTO endpoints (site_id, target) SELECT id, 'http://127.0.0.1:9/' || id || '/' || g FROM sites CROSS JOIN generate_series(1, 100) g`,
  );
  await prisma.$executeRawUnsafe(`INSERT INTO checks (endpoint_id, type, interval_s, timeout_ms, status) SELECT e.id, 'http', 20, 5000, 'up' FROM endpoints e`);
  await prisma.$executeRawUnsafe(
    `INSERT INTO location_states (check_id, site_id, location) SELECT c.id, e.site_id, 'eu-1' FROM checks c JOIN endpoints e ON e.id = c.endpoint_id`,
  );
  // A long history: 5,000 closed outages, and a few runner spells.
  await prisma.$executeRawUnsafe(
    `INSERT INTO site_events (site_id, event_type, severity, started_at, ended_at, resolution_reason)
     SELECT s.id, 'down', 'high', now() - g * interval '1 hour', now() - g * interval '1 hour' + interval '5 minutes', 'recovered'
     FROM sites s CROSS JOIN generate_series(1, 250) g`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO site_events (site_id, event_type, severity, location, started_at, ended_at, resolution_reason)
     SELECT min(id), 'runner_offline', 'high', 'eu-1', now() - interval '1 day', now() - interval '23 hours', 'recovered' FROM sites`,
  );
  // Four days of results, a few per check and day; those of the days before are evaluated (off the queue).
  await prisma.$executeRawUnsafe(
    `INSERT INTO check_results (check_id, site_id, run_id, location, ok, checked_at)
     SELECT ls.check_id, ls.site_id, gen_random_uuid(), ls.location, true, now() - d * interval '1 day' - g * interval '1 minute'
     FROM location_states ls CROSS JOIN generate_series(0, 3) d CROSS JOIN generate_series(1, 3) g`,
  );
  await prisma.$executeRawUnsafe(`DELETE FROM pending_results WHERE checked_at < now() - interval '12 hours'`);
}

// Every evaluation pass runs LOAD and its writes, prepared: their generic plans must read no
// table whole that grows with the checks or their history.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the evaluation’s generic plans on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedHistory(database);
    await database.db.prisma.$executeRawUnsafe('ANALYZE');
  });
  afterAll(() => database.dispose());

  it('reads no event history whole', async () => {
    const scans = await genericPlanSeqScans(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(scans).not.toContain('site_events');
  });

  it('reads no endpoint whole for the checks’ sites', async () => {
    const scans = await genericPlanSeqScans(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(scans).not.toContain('endpoints');
  });

  it('writes strikes and statuses by primary key, not by reading every state and check', async () => {
    const at = new Date();
    const statement = projectionsStatement(
      {
        strikes: [{ kind: 'strikes', check: 'c', checkId: 1, location: 'eu-1', columns: { failingStrikes: 0, passingStrikes: 1, resolved: true, lastResultAt: at, lastOk: true, lastInconclusive: false, degradedStrikes: 0 }, freshUntil: at, runIds: ['00000000-0000-4000-8000-000000000001'] }],
        checks: [{ kind: 'check_status', check: 'c', checkId: 1, status: 'up', lastStatusChangeAt: null, lastCheckedAt: at }],
        sites: [],
        checked: [],
        evaluated: [],
      },
      at.toISOString(),
    );
    if (statement === null) throw new Error('a statement was expected');
    const scans = await genericPlanSeqScans(database.db, statement);
    expect(scans.filter((table) => ['checks', 'location_states'].includes(table))).toEqual([]);
  });

  it('narrows the freshness sweep’s incremental pass through fresh_until, reading no state or check whole', async () => {
    const at = new Date();
    // Sent unnamed ($queryRaw), so planned with its window every time.
    const scans = await customPlanSeqScans(database.db, candidatesStatement(at, { since: new Date(at.getTime() - 35_000), recheck: [1, 2, 3] }));
    expect(scans.filter((table) => ['checks', 'location_states'].includes(table))).toEqual([]);
  });

  it('moves lagging fresh_until values through the index on fresh_until, reading no state or check whole', async () => {
    const at = new Date();
    const scans = await customPlanSeqScans(database.db, rearmStatement(at, new Date(at.getTime() - 35_000), [1, 2, 3]));
    expect(scans.filter((table) => ['checks', 'location_states'].includes(table))).toEqual([]);
  });

  it('reads the batch’s pending results off the queue, each result in its own partition only', async () => {
    // Partitions with rows: an empty one (the days ahead) may be planned as a scan, and is pruned when run.
    const populated = await database.db.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT DISTINCT tableoid::regclass::text AS name FROM check_results`,
    );
    const scans = await genericPlanSeqScans(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(scans.filter((table) => table === 'pending_results' || populated.some((p) => p.name === table))).toEqual([]);
    const read = await genericPlanScansRun(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(read).toContain('pending_results');
    // PostgreSQL: the queued results are today's; the partitions of the days before are never read.
    if (kind !== 'embedded') expect(read.filter((table) => table.startsWith('check_results_p'))).toHaveLength(1);
  });

  it('takes evaluated results off the queue by its primary key, reading no result', async () => {
    const statement = projectionsStatement(
      { strikes: [], checks: [], sites: [], checked: [], evaluated: [{ kind: 'results_evaluated', check: 'c', checkId: 1, resultIds: [1n, 2n] }] },
      new Date().toISOString(),
    );
    if (statement === null) throw new Error('a statement was expected');
    // Its generic plan (as the prepared statement gets), with the values bound as the evaluator binds them.
    const plan = await withTransaction(database.db, async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
      const [row] = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(`EXPLAIN (FORMAT JSON) ${statement.text}`, ...statement.values);
      return typeof row['QUERY PLAN'] === 'string' ? row['QUERY PLAN'] : JSON.stringify(row['QUERY PLAN']);
    });
    expect([...new Set([...plan.matchAll(/"Relation Name":\s*"(\w+)"/g)].map((m) => m[1]))]).toEqual(['pending_results']);
    expect(plan).toMatch(/"Node Type":\s*"Index Scan"/);
    expect(plan).not.toMatch(/"Node Type":\s*"Seq Scan"/);
  });
  it('claims the pending checks off the queue’s primary key, reading neither the queue nor the checks whole', async () => {
    const scans = await customPlanSeqScans(database.db, claimPendingStatement([7], 200));
    expect(scans.filter((table) => ['pending_results', 'checks'].includes(table))).toEqual([]);
  });

  it('looks for pending results by the queue’s first key, not by its heap', async () => {
    expect(await customPlanSeqScans(database.db, RESULTS_PENDING)).toEqual([]);
  });
});

// The statistics the plans were made with may be older than the rows (autovacuum off or lagging,
// and a prepared statement keeps its generic plan for its connection's life): analyzed while
// empty, as at a fresh install, the plans must still read no queue, result or check whole.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the evaluation’s generic plans on %s, with statistics older than the rows', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.db.prisma.$executeRawUnsafe('ANALYZE');
    await seedHistory(database);
    // Results evaluated since, their dead rows left in the queue's heap (no vacuum yet): 40,000, before the live ones.
    await database.db.prisma.$executeRawUnsafe(`INSERT INTO pending_results SELECT check_id, -g, now() FROM location_states CROSS JOIN generate_series(1, 20) g`);
    await database.db.prisma.$executeRawUnsafe(`DELETE FROM pending_results WHERE result_id < 0`);
  });
  afterAll(() => database.dispose());

  it('reads the batch’s pending results by their ids, not the results whole', async () => {
    const populated = await database.db.prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT DISTINCT tableoid::regclass::text AS name FROM check_results`);
    const scans = await genericPlanSeqScans(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(scans.filter((table) => table === 'pending_results' || populated.some((p) => p.name === table))).toEqual([]);
  });

  it('claims the pending checks off the queue’s primary key, planned with the queue as it is (never a plan kept from an empty queue)', async () => {
    const statement = claimPendingStatement([7], 200);
    expect(preparedStatementName(statement.text)).toBeUndefined();
    const scans = await customPlanSeqScans(database.db, statement);
    expect(scans.filter((table) => ['pending_results', 'checks'].includes(table))).toEqual([]);
  });

  it('looks for pending results by the queue’s first key, planned with the queue as it is', async () => {
    expect(preparedStatementName(RESULTS_PENDING.text)).toBeUndefined();
    expect(await customPlanSeqScans(database.db, RESULTS_PENDING)).toEqual([]);
  });
});
