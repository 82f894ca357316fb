import type { RunSpec } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import type { Express } from 'express';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';
import { seedDueChecks } from './test-helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// PostgreSQL: two instances polling at once never lease one run twice (SKIP LOCKED).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('GET /api/runner/checks on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  let runnerCount = 0;
  const newRunner = () => harness.addRunner(`poll-${++runnerCount}`);

  async function poll(runner: HarnessRunner, limit?: number, app: Express = harness.app, lookaheadMs?: number): Promise<RunSpec[]> {
    const response = await request(app)
      .get('/api/runner/checks')
      .query({ ...(limit === undefined ? {} : { limit }), ...(lookaheadMs === undefined ? {} : { lookahead_ms: lookaheadMs }) })
      .set('Authorization', runner.authorization());
    expect(response.status).toBe(200);
    return response.body.runs;
  }

  const counter = async (name: string): Promise<number> => {
    const metric = await harness.metrics.getSingleMetric(name)?.get();
    return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
  };

  it('leases the due runs with what a runner needs to probe, and a second poll does not get them again', async () => {
    const runner = await newRunner();
    const dueAt = new Date(Date.now() - 5_000);
    const checks = await seedDueChecks(harness.db, { locations: [runner.slug], count: 3, timeoutMs: 7_000, dueAt });
    const issuedBefore = await counter('vigil_leases_issued_total');

    const runs = await poll(runner);
    expect(runs).toHaveLength(3);
    expect(runs.map((run) => run.check_id).sort()).toEqual(checks.map((check) => check.uuid).sort());
    for (const run of runs) {
      expect(run).toEqual({
        run_id: expect.stringMatching(UUID),
        check_id: expect.stringMatching(UUID),
        type: 'http',
        target: expect.stringMatching(/^https:\/\/runner-api-\d+\.example\/$/),
        spec: { method: 'GET', expected_statuses: [200] },
        timeout_ms: 7_000,
        due_at: dueAt.toISOString(),
      });
    }
    expect(new Set(runs.map((run) => run.run_id)).size).toBe(3);
    expect(await counter('vigil_leases_issued_total')).toBe(issuedBefore + 3);

    expect(await poll(runner)).toEqual([]);
    const states = await harness.db.prisma.locationState.findMany({ where: { location: runner.slug } });
    for (const state of states) {
      expect(runs.map((run) => run.run_id)).toContain(state.leaseRunId);
      // The lease lasts the timeout plus the 30 s grace.
      expect(state.leasedUntil?.getTime()).toBeGreaterThan(Date.now() + 7_000 + 30_000 - 10_000);
      expect(state.nextDueAt.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('leases at most limit runs, the longest due first', async () => {
    const runner = await newRunner();
    const older = await seedDueChecks(harness.db, { locations: [runner.slug], count: 2, dueAt: new Date(Date.now() - 60_000) });
    await seedDueChecks(harness.db, { locations: [runner.slug], count: 3, dueAt: new Date(Date.now() - 1_000) });
    const first = await poll(runner, 2);
    expect(first.map((run) => run.check_id).sort()).toEqual(older.map((check) => check.uuid).sort());
    expect(await poll(runner, 10)).toHaveLength(3);
  });

  it('does not lease runs of disabled or deleted checks, nor runs not yet due', async () => {
    const runner = await newRunner();
    await seedDueChecks(harness.db, { locations: [runner.slug], enabled: false });
    await seedDueChecks(harness.db, { locations: [runner.slug], deleted: true });
    await seedDueChecks(harness.db, { locations: [runner.slug], dueAt: new Date(Date.now() + 60_000) });
    const [enabled] = await seedDueChecks(harness.db, { locations: [runner.slug] });
    const runs = await poll(runner);
    expect(runs.map((run) => run.check_id)).toEqual([enabled.uuid]);
  });

  it('leases only the runs of the caller’s own location', async () => {
    const mine = await newRunner();
    const theirs = await newRunner();
    const [shared] = await seedDueChecks(harness.db, { locations: [mine.slug, theirs.slug] });
    await seedDueChecks(harness.db, { locations: [theirs.slug], count: 2 });

    const runs = await poll(mine);
    expect(runs.map((run) => run.check_id)).toEqual([shared.uuid]);
    const theirState = await harness.db.prisma.locationState.findUniqueOrThrow({ where: { checkId_location: { checkId: shared.id, location: theirs.slug } } });
    expect(theirState.leaseRunId).toBeNull();
    expect(await poll(theirs)).toHaveLength(3);
  });

  it('leases a run again, with a new run id, once its lease expired unreported, and counts it', async () => {
    const runner = await newRunner();
    const [check] = await seedDueChecks(harness.db, { locations: [runner.slug] });
    const [first] = await poll(runner);
    const expiredBefore = await counter('vigil_leases_expired_total');

    // Its lease ran out without a report, and its next slot has come.
    const past = new Date(Date.now() - 1_000);
    await harness.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { leasedUntil: past, nextDueAt: past } });
    const [second] = await poll(runner);
    expect(second.check_id).toBe(check.uuid);
    expect(second.run_id).not.toBe(first.run_id);
    expect(await counter('vigil_leases_expired_total')).toBe(expiredBefore + 1);
  });

  it('does not lease a run again while its lease holds, even once its next slot has come', async () => {
    const runner = await newRunner();
    const [check] = await seedDueChecks(harness.db, { locations: [runner.slug] });
    await poll(runner);
    await harness.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { nextDueAt: new Date(Date.now() - 1_000) } });
    expect(await poll(runner)).toEqual([]);
  });

  it('leases a run due soon only when the poll looks that far ahead, for a lease counted from its due time', async () => {
    const runner = await newRunner();
    const dueAt = new Date(Date.now() + 2_000);
    const [check] = await seedDueChecks(harness.db, { locations: [runner.slug], intervalS: 60, timeoutMs: 7_000, dueAt });
    expect(await poll(runner, 10, harness.app, 0)).toEqual([]);
    expect(await poll(runner)).toEqual([]);

    const [run] = await poll(runner, 10, harness.app, 3_000);
    expect(run.check_id).toBe(check.uuid);
    expect(run.due_at).toBe(dueAt.toISOString());
    const state = await harness.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id, location: runner.slug } });
    expect(state.leaseRunId).toBe(run.run_id);
    // The whole timeout and grace from the due time, however early the poll came.
    expect(state.leasedUntil?.getTime()).toBeGreaterThanOrEqual(dueAt.getTime() + 7_000 + 30_000);
    // The slot it leased is not handed out a second time: the next one is a period later.
    expect(state.nextDueAt.getTime()).toBeGreaterThan(dueAt.getTime());
    expect(await poll(runner, 10, harness.app, 5_000)).toEqual([]);
  });

  it('refuses a lookahead_ms out of range with 400 naming it', async () => {
    const runner = await newRunner();
    for (const lookahead of ['-1', '5001', '1.5', 'soon']) {
      const response = await request(harness.app)
        .get('/api/runner/checks')
        .query({ lookahead_ms: lookahead })
        .set('Authorization', runner.authorization());
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_query', details: { problems: [{ field: 'lookahead_ms' }] } });
    }
  });

  it('refuses a limit out of range with 400 naming it', async () => {
    const runner = await newRunner();
    for (const limit of ['0', '501', 'many']) {
      const response = await request(harness.app).get('/api/runner/checks').query({ limit }).set('Authorization', runner.authorization());
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_query', details: { problems: [{ field: 'limit' }] } });
    }
  });

  it('never gives one run to two polls, from two instances polling at once', async () => {
    const runner = await newRunner();
    const checks = await seedDueChecks(harness.db, { locations: [runner.slug], count: 300 });
    const apps = [harness.app, harness.anotherApp()];
    const leased: RunSpec[] = [];
    for (let round = 0; round < 20; round++) {
      const polls = apps.flatMap((app) => Array.from({ length: 8 }, () => poll(runner, 25, app)));
      const runs = (await Promise.all(polls)).flat();
      if (runs.length === 0) break;
      leased.push(...runs);
    }
    expect(new Set(leased.map((run) => run.run_id)).size).toBe(leased.length);
    expect(leased.map((run) => run.check_id).sort()).toEqual(checks.map((check) => check.uuid).sort());
  });
});
