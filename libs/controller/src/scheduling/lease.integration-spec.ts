import { createTestDatabase, genericPlanScansRun, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { type DueCheckOptions, seedDueChecks } from '../runner-api/test-helpers';
import { LEASE_GRACE_MS, leaseDueRuns, leaseStatement } from './lease';
import { nextSlotMs, scheduleOffsetMs } from './offset';

describe.each(testDatabaseKinds())('leaseDueRuns on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  let locationCount = 0;

  /** One check due at `location`, leased once; returns what the lease did to its state. */
  async function leaseOne(options: Omit<DueCheckOptions, 'locations'>) {
    const location = `lease-${++locationCount}`;
    const [check] = await seedDueChecks(database.db, { ...options, locations: [location] });
    const before = Date.now();
    const runs = await leaseDueRuns(database.db, location, 10);
    const after = Date.now();
    const state = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id, location } });
    return { check, runs, state, before, after };
  }

  it('moves next_due_at to the check’s first slot after the poll, on its own grid', async () => {
    const { check, runs, state, before, after } = await leaseOne({ intervalS: 60 });
    expect(runs).toHaveLength(1);
    const next = state.nextDueAt.getTime();
    expect([nextSlotMs(check.id, 60, before), nextSlotMs(check.id, 60, after)]).toContain(next);
    expect((next - scheduleOffsetMs(check.id, 60)) % 60_000).toBe(0);
  });

  it('computes the same grid as nextSlotMs for the largest check ids', async () => {
    const { check, state, before, after } = await leaseOne({ intervalS: 86_400, firstId: 2_147_483_000 });
    expect(check.id).toBe(2_147_483_000);
    expect([nextSlotMs(check.id, 86_400, before), nextSlotMs(check.id, 86_400, after)]).toContain(state.nextDueAt.getTime());
  });

  it('advances from the slot that was due, not from when the poll came (no drift)', async () => {
    const location = `lease-${++locationCount}`;
    const hour = 3_600_000;
    const [check] = await seedDueChecks(database.db, { locations: [location], intervalS: 3600 });
    // Due at its latest slot: the poll comes up to an hour late.
    const due = nextSlotMs(check.id, 3600, Date.now()) - hour;
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { nextDueAt: new Date(due) } });
    const [run] = await leaseDueRuns(database.db, location, 10);
    const leasedAt = Date.now();
    const state = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
    expect(run.dueAt.getTime()).toBe(due);
    expect(state.nextDueAt.getTime()).toBe(due + hour);
    expect(state.nextDueAt.getTime() - leasedAt).toBeLessThan(hour);
  });

  it('skips the slots a long outage missed instead of running each of them', async () => {
    const { check, runs, state, before, after } = await leaseOne({ intervalS: 60, dueAt: new Date(Date.now() - 10 * 60_000) });
    expect(runs).toHaveLength(1);
    expect([nextSlotMs(check.id, 60, before), nextSlotMs(check.id, 60, after)]).toContain(state.nextDueAt.getTime());
  });

  it('leases a slot still ahead only with a lookahead reaching it, then moves to the slot after it, with the lease counted from it', async () => {
    const location = `lease-${++locationCount}`;
    const [check] = await seedDueChecks(database.db, { locations: [location], intervalS: 3, timeoutMs: 4_000 });
    // On its own grid, 1.5 to 4.5 s ahead: the case where "the first slot after now" is this very slot.
    const due = nextSlotMs(check.id, 3, Date.now() + 1_500);
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { nextDueAt: new Date(due) } });
    expect(await leaseDueRuns(database.db, location, 10)).toEqual([]);
    const [run] = await leaseDueRuns(database.db, location, 10, 5_000);
    expect(run.dueAt.getTime()).toBe(due);
    const state = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
    expect(state.nextDueAt.getTime()).toBe(due + 3_000);
    expect(state.leasedUntil?.getTime()).toBe(due + 4_000 + LEASE_GRACE_MS);
  });

  it('uses the down interval while the check is down or seems down, and the interval otherwise', async () => {
    for (const status of ['down', 'seems_down'] as const) {
      const { check, state, before, after } = await leaseOne({ intervalS: 300, downIntervalS: 10, status });
      expect([nextSlotMs(check.id, 10, before), nextSlotMs(check.id, 10, after)]).toContain(state.nextDueAt.getTime());
    }
    const up = await leaseOne({ intervalS: 300, downIntervalS: 10, status: 'up' });
    expect([nextSlotMs(up.check.id, 300, up.before), nextSlotMs(up.check.id, 300, up.after)]).toContain(up.state.nextDueAt.getTime());
    const noDownInterval = await leaseOne({ intervalS: 300, status: 'down' });
    expect([nextSlotMs(noDownInterval.check.id, 300, noDownInterval.before), nextSlotMs(noDownInterval.check.id, 300, noDownInterval.after)]).toContain(
      noDownInterval.state.nextDueAt.getTime(),
    );
  });

  it('leases for the check’s timeout plus the grace, under a fresh run id it returns', async () => {
    const { runs, state, before, after } = await leaseOne({ timeoutMs: 9_000 });
    expect(state.leaseRunId).toBe(runs[0].runId);
    const until = state.leasedUntil?.getTime() ?? Number.NaN;
    // Millisecond columns: now() is truncated, so allow one millisecond below the bound.
    expect(until).toBeGreaterThanOrEqual(before + 9_000 + LEASE_GRACE_MS - 1);
    expect(until).toBeLessThanOrEqual(after + 9_000 + LEASE_GRACE_MS);
    expect(runs[0]).toMatchObject({ timeoutMs: 9_000, type: 'http', previousLeaseExpired: false });
  });

  /** A run leased, maybe reported, then leased again once its lease ran out and its next slot came. */
  async function leaseAgainAfterLeaseRanOut(reported: boolean) {
    const location = `lease-${++locationCount}`;
    const [check] = await seedDueChecks(database.db, { locations: [location] });
    const [first] = await leaseDueRuns(database.db, location, 10);
    if (reported) {
      const { siteId } = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
      // As a report stores it, keeping leased_until (its next slot came after the lease).
      await database.db.prisma.checkResult.create({ data: { checkId: check.id, siteId, runId: first.runId, location, ok: true, checkedAt: new Date() } });
    }
    const past = new Date(Date.now() - 1_000);
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { leasedUntil: past, nextDueAt: past } });
    const [second] = await leaseDueRuns(database.db, location, 10);
    return { first, second };
  }

  it('says the previous lease expired when its run was never reported', async () => {
    const { first, second } = await leaseAgainAfterLeaseRanOut(false);
    expect(second.runId).not.toBe(first.runId);
    expect(second.previousLeaseExpired).toBe(true);
  });

  it('does not say the previous lease expired when its run was reported, though its lease was left to run out', async () => {
    const { first, second } = await leaseAgainAfterLeaseRanOut(true);
    expect(second.runId).not.toBe(first.runId);
    expect(second.previousLeaseExpired).toBe(false);
  });

  it('leases a run whose lease evaluation ended (leased_until cleared) at its next slot, without looking its result up', async () => {
    const location = `lease-${++locationCount}`;
    const [check] = await seedDueChecks(database.db, { locations: [location] });
    const [first] = await leaseDueRuns(database.db, location, 10);
    // As the evaluator leaves it once it has evaluated the run's result (strikesWrite of libs/evaluation).
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { leasedUntil: null, nextDueAt: new Date(Date.now() - 1_000) } });
    const scans = await genericPlanScansRun(database.db, leaseStatement(location, 10, 0));
    expect(scans).toContain('location_states');
    expect(scans.filter((name) => name.startsWith('check_results'))).toEqual([]);
    const [second] = await leaseDueRuns(database.db, location, 10);
    expect(second.runId).not.toBe(first.runId);
    expect(second.previousLeaseExpired).toBe(false);
  });

  it('does not lease again a run still leased, stored or not, before its next slot; at its slot, only a stored one', async () => {
    const location = `lease-${++locationCount}`;
    const [reported] = await seedDueChecks(database.db, { locations: [location], count: 2 });
    const runs = await leaseDueRuns(database.db, location, 10);
    expect(runs).toHaveLength(2);
    const run = runs.find((r) => r.checkUuid === reported.uuid);
    if (run === undefined) throw new Error('the check was not leased');
    const { siteId } = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: reported.id } });
    // Stored as a report stores it, not evaluated: leased_until stays.
    await database.db.prisma.checkResult.create({ data: { checkId: reported.id, siteId, runId: run.runId, location, ok: true, checkedAt: new Date() } });
    expect(await leaseDueRuns(database.db, location, 10)).toEqual([]);
    // Their next slots come while both leases still run: the stored run's row is free, the other's is not.
    await database.db.prisma.locationState.updateMany({ where: { location }, data: { nextDueAt: new Date(Date.now() - 1_000) } });
    const again = await leaseDueRuns(database.db, location, 10);
    expect(again.map((r) => [r.checkUuid, r.previousLeaseExpired])).toEqual([[reported.uuid, false]]);
  });

  it('does not touch strikes or the last result', async () => {
    const location = `lease-${++locationCount}`;
    const [check] = await seedDueChecks(database.db, { locations: [location] });
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { failingStrikes: 2, passingStrikes: 1 } });
    await leaseDueRuns(database.db, location, 10);
    const state = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
    expect(state).toMatchObject({ failingStrikes: 2, passingStrikes: 1, lastResultAt: null, lastOk: null });
  });

  it('sets fresh_until exactly from the latest evaluated result, and leaves it while there is none or it was inconclusive', async () => {
    const location = `lease-${++locationCount}`;
    const checks = await seedDueChecks(database.db, { locations: [location], count: 3, intervalS: 60, timeoutMs: 5_000 });
    const last = new Date(Date.now() - 30_000);
    const lagging = new Date(last.getTime() + 1_000);
    const { prisma } = database.db;
    await prisma.locationState.updateMany({ where: { checkId: checks[0].id }, data: { lastResultAt: last, freshUntil: lagging } });
    await prisma.locationState.updateMany({ where: { checkId: checks[1].id }, data: { lastResultAt: last, lastInconclusive: true, freshUntil: null } });
    await prisma.locationState.updateMany({ where: { checkId: checks[2].id }, data: { freshUntil: lagging } });
    expect(await leaseDueRuns(database.db, location, 10)).toHaveLength(3);
    const states = await prisma.locationState.findMany({ where: { checkId: { in: checks.map((c) => c.id) } }, orderBy: { checkId: 'asc' } });
    // freshForMs: two intervals, the timeout and the 10 s grace.
    expect(states.map((s) => s.freshUntil)).toEqual([new Date(last.getTime() + 2 * 60_000 + 5_000 + 10_000), null, lagging]);
  });
});
