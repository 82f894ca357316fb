import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { closeRetiredChecks } from './close-retired';
import { evaluatePending } from './evaluate-pending';
import { resultsPending, sweepsDue } from './probes';
import { sweepRunners } from './runner-offline';
import { insertResults, round, seedCheck } from './testing/seed';

const T0 = new Date('2026-11-23T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const STALE_AFTER_MS = 5 * 60_000;

// Each probe is checked against what the work it stands for then does: a no must mean nothing to do.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))("the evaluator's looks for work on %s", (kind) => {
  let database: TestDatabase;
  const { logger } = createCapturedLogger();
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('sees results waiting for their evaluation, and none once they are evaluated', async () => {
    const { prisma } = database.db;
    expect(await resultsPending(database.db)).toBe(false);
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, T0.getTime(), round(0, true, true, true));
    expect(await resultsPending(database.db)).toBe(true);
    expect(await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger })).toMatchObject({ checks: 1, results: 3 });
    expect(await resultsPending(database.db)).toBe(false);
  });

  it("says a runner's offline event is due exactly when the runner sweep opens or closes one", async () => {
    const { prisma } = database.db;
    const runnersDue = async (at: Date) => (await sweepsDue(database.db, at, STALE_AFTER_MS)).runners;
    const sweep = async (at: Date) => {
      const { opened, closed } = await sweepRunners(database.db, { readOnly: false, logger, staleAfterMs: STALE_AFTER_MS, now: () => at });
      return opened + closed;
    };
    /** The probe's answer at `at`, then what the sweep did at `at`: the two must agree. */
    const agree = async (at: Date) => {
      const due = await runnersDue(at);
      expect([at.toISOString(), due]).toEqual([at.toISOString(), (await sweep(at)) > 0]);
      return due;
    };
    expect(await agree(minutes(0))).toBe(false);
    await prisma.runner.create({ data: { slug: 'eu-1', name: 'eu-1', publicKey: 'p1', keyId: 'kid-probe-eu-1', lastSeenAt: minutes(0) } });
    // Never heard from: counted from its creation (now), so not stale.
    await prisma.runner.create({ data: { slug: 'us-1', name: 'us-1', publicKey: 'p2', keyId: 'kid-probe-us-1', createdAt: minutes(0) } });
    expect(await agree(minutes(1))).toBe(false);
    // Silent for exactly the window: not yet stale (the rule is "longer than").
    expect(await agree(minutes(5))).toBe(false);
    // Both silent for longer: both open, then nothing more to do.
    expect(await agree(new Date(minutes(5).getTime() + 1))).toBe(true);
    expect(await prisma.siteEvent.count({ where: { eventType: 'runner_offline', endedAt: null } })).toBe(2);
    expect(await agree(minutes(6))).toBe(false);
    // One heard from again: its event closes as recovered.
    await prisma.runner.update({ where: { slug: 'eu-1' }, data: { lastSeenAt: minutes(7) } });
    expect(await agree(minutes(7))).toBe(true);
    expect(await agree(minutes(8))).toBe(false);
    // The other revoked while offline: its event closes as manual.
    await prisma.runner.update({ where: { slug: 'us-1' }, data: { revokedAt: minutes(9) } });
    expect(await agree(minutes(9))).toBe(true);
    expect(await prisma.siteEvent.count({ where: { eventType: 'runner_offline', endedAt: null } })).toBe(0);
    // An hour on, eu-1 is silent again and opens; the revoked us-1 opens nothing.
    expect(await agree(minutes(60))).toBe(true);
    expect(await prisma.siteEvent.findFirst({ where: { eventType: 'runner_offline', endedAt: null }, select: { location: true } })).toEqual({ location: 'eu-1' });
    expect(await agree(minutes(61))).toBe(false);
  });

  it('says retired checks are due exactly when closing them has something to do', async () => {
    const { prisma } = database.db;
    const retiredDue = async () => (await sweepsDue(database.db, new Date(), STALE_AFTER_MS)).retired;
    const agree = async () => {
      const due = await retiredDue();
      expect(due).toBe((await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger })).checks > 0);
      return due;
    };
    expect(await agree()).toBe(false);
    // A check with an open outage, then disabled.
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, T0.getTime(), [...round(0, false, false, true), ...round(60, false, false, true)]);
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    expect(await prisma.siteEvent.count({ where: { checkId: check.id, endedAt: null } })).toBe(1);
    expect(await agree()).toBe(false);
    await prisma.check.update({ where: { id: check.id }, data: { enabled: false } });
    expect(await agree()).toBe(true);
    expect(await agree()).toBe(false);
    // Paused, no event open: deleting it leaves nothing to do either.
    await prisma.check.update({ where: { id: check.id }, data: { deletedAt: new Date() } });
    expect(await agree()).toBe(false);
    // An enabled check of a site archived since: paused by the sweep, once.
    const other = await seedCheck(prisma);
    await prisma.site.update({ where: { id: other.site.id }, data: { archivedAt: new Date() } });
    expect(await agree()).toBe(true);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: other.check.id } })).status).toBe('paused');
    expect(await agree()).toBe(false);
  });
});
