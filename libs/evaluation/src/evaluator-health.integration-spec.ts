import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { until } from '@vigil/testing';
import { createSweepHealth } from '@vigil/worker-loop';
import { Registry } from 'prom-client';
import { type EvaluatorService, startEvaluator } from './evaluator-service';
import { insertResults, round, seedCheck } from './testing/seed';

// Issue 14: with a corrupt page in site_events every check's evaluation failed and rolled back,
// 63 times in 15 s, while each step "succeeded" and /readyz said 200. Here the table is renamed
// under the evaluator: its steps run, its checks fail, and its health must say so.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the evaluator whose checks cannot be evaluated, on %s', (kind) => {
  let database: TestDatabase;
  let evaluator: EvaluatorService | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await evaluator?.stop();
    await database.dispose();
  });

  it('counts each step whose checks failed as a failed sweep until they evaluate again', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    const health = createSweepHealth({ service: 'evaluator', maxFailedSweeps: 2 });
    const log = createCapturedLogger();
    // The runner sweep runs at start only: what is counted here is the evaluation loop's.
    evaluator = await startEvaluator({ db: database.db, logger: log.logger, metrics: new Registry(), readOnly: false, pollIntervalMs: 20, sweepIntervalMs: 600_000, health });
    await evaluator.nextStep();
    expect(health.status().ready).toBe(true);

    await prisma.$executeRawUnsafe('ALTER TABLE site_events RENAME TO site_events_corrupt');
    try {
      await insertResults(prisma, check, site.id, Date.now() - 10_000, [...round(0, false, false, true), ...round(3, false, false, true)]);
      await until(() => (health.status().loops['evaluator']?.consecutiveFailures ?? 0) >= 2, 'two failed evaluation sweeps', 15_000);
      expect(health.status()).toMatchObject({
        ready: false,
        loops: { evaluator: { lastError: expect.stringMatching(/^1 of 1 checks could not be evaluated/) } },
      });
      expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(6);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE IF EXISTS site_events_corrupt RENAME TO site_events');
    }

    await until(() => health.status().ready, 'the evaluator ready again', 15_000);
    await until(async () => (await prisma.pendingResult.count({ where: { checkId: check.id } })) === 0, 'the results evaluated', 15_000);
    expect(health.status().loops['evaluator']?.consecutiveFailures).toBe(0);
  });
});
