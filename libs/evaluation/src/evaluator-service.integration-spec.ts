import { until } from '@vigil/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { OUTBOX_CHANNEL, RESULTS_CHANNEL } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { Registry } from 'prom-client';
import { type EvaluatorService, startEvaluator } from './evaluator-service';
import { insertResults, round, seedCheck } from './testing/seed';

// PostgreSQL: the ingest NOTIFY reaching the evaluator's LISTEN connection.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the evaluator service on %s', (kind) => {
  let database: TestDatabase;
  let evaluator: EvaluatorService | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await evaluator?.stop();
    evaluator = undefined;
  });
  afterAll(() => database.dispose());

  it('wakes on the ingest NOTIFY (it polls only every minute here), writes the outage and wakes the notifier', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    await prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', siteIds: [site.id] } });
    const metrics = new Registry();
    const log = createCapturedLogger();
    evaluator = await startEvaluator({ db: database.db, logger: log.logger, metrics, readOnly: false, pollIntervalMs: 60_000 });
    await evaluator.nextStep();
    // The LISTEN connection's own first look (for what it might have missed) comes and goes too.
    await sleep(300);
    let notifierWoken = 0;
    const unlisten = await database.db.listen(OUTBOX_CHANNEL, () => (notifierWoken += 1));
    try {
      const wokenBefore = notifierWoken;
      await insertResults(prisma, check, site.id, Date.now() - 10_000, [...round(0, false, false, true), ...round(3, false, false, true)]);
      await prisma.$executeRaw`SELECT pg_notify(${RESULTS_CHANNEL}, '')`;
      await until(async () => (await prisma.pendingResult.count({ where: { checkId: check.id } })) === 0, 'the results evaluated', 15_000).catch(
        (error: Error) => {
          throw new Error(`${error.message}; the evaluator logged:\n${log.lines().join('\n')}`);
        },
      );
      const events = await prisma.siteEvent.findMany({ where: { checkId: check.id } });
      expect(events.map((event) => [event.eventType, event.endedAt])).toEqual([['down', null]]);
      expect(await prisma.notification.count({ where: { eventId: events[0]?.id } })).toBe(1);
      await until(() => notifierWoken > wokenBefore, 'the outbox NOTIFY', 15_000);
      // The counters move once the batch is done, which can be a moment after its commit woke the notifier.
      await until(async () => (await metrics.metrics()).includes('vigil_evaluator_results_evaluated_total 6'), 'the results counted', 15_000);
      const text = await metrics.metrics();
      expect(text).toContain('vigil_evaluator_results_evaluated_total 6');
      expect(text).toContain('vigil_evaluator_transitions_total 2');
    } finally {
      await unlisten();
    }
  });

  it('writes nothing in read-only mode and says so when it starts', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    const log = createCapturedLogger();
    await insertResults(prisma, check, site.id, Date.now() - 10_000, [...round(0, false, false, false), ...round(3, false, false, false)]);
    evaluator = await startEvaluator({ db: database.db, logger: log.logger, metrics: new Registry(), readOnly: true, pollIntervalMs: 60_000 });
    // Not "the next step": on a loaded machine the first one can end before startEvaluator
    // returns, or fail once (and be retried after a backoff) while the sweeps start beside it.
    await until(() => log.lines().some((line) => line.includes('read-only: open skipped')), 'the skipped open logged', 15_000);
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(6);
    expect(await prisma.siteEvent.count({ where: { checkId: check.id } })).toBe(0);
    expect(log.lines().some((line) => line.includes('read-only mode: nothing is written (VIGIL_DB_WRITES=off)'))).toBe(true);
  });

  it('turns a check whose locations went silent unknown from its sweep loop, with no result to wake it', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    // Results an earlier test left pending would be evaluated first and counted too.
    await prisma.$executeRaw`DELETE FROM pending_results`;
    const hourAgo = new Date(Date.now() - 3_600_000);
    await prisma.check.update({ where: { id: check.id }, data: { status: 'up', lastCheckedAt: hourAgo } });
    await prisma.site.update({ where: { id: site.id }, data: { status: 'up' } });
    await prisma.locationState.updateMany({ where: { checkId: check.id }, data: { lastResultAt: hourAgo, lastOk: true } });
    const metrics = new Registry();
    const log = createCapturedLogger();
    evaluator = await startEvaluator({ db: database.db, logger: log.logger, metrics, readOnly: false, pollIntervalMs: 60_000, sweepIntervalMs: 100 });
    await until(async () => (await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status === 'unknown', 'the check unknown', 15_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}; the evaluator logged:\n${log.lines().join('\n')}`);
      },
    );
    const events = await prisma.siteEvent.findMany({ where: { checkId: check.id } });
    expect(events.map((event) => [event.eventType, event.severity, event.endedAt])).toEqual([['unknown', 'low', null]]);
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('unknown');
    await until(async () => (await metrics.metrics()).includes('vigil_evaluator_transitions_total 1'), 'the spell counted', 15_000);
  });
});
