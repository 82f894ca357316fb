import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import { evaluatePending } from './evaluate-pending';
import { seedCheck } from './testing/seed';

/*
 * Evaluating a location's leased run ends its lease: leased_until is cleared in the strikes update
 * the result writes anyway, so the controller's next lease of the row need not look the run's
 * result up (leaseStatement of libs/controller). Only the run the row is leased to counts: a
 * result of an earlier run, reported late, leaves a newer lease running.
 */
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the end of a lease on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  const evaluate = (readOnly = false) =>
    evaluatePending(database.db, { maxChecks: 100, readOnly, logger: createLogger({ service: 'evaluator-test', stream: new PassThrough(), level: 'debug' }) });

  /** A check whose eu-1 state is leased to `leasedRun`, and a stored, unevaluated result of `reportedRun` there. */
  async function leasedAndReported(leasedRun: string, reportedRun: string) {
    const { site, check } = await seedCheck(prisma);
    const leasedUntil = new Date(Date.now() + 60_000);
    await prisma.locationState.updateMany({ where: { checkId: check.id, location: 'eu-1' }, data: { leaseRunId: leasedRun, leasedUntil } });
    await prisma.checkResult.create({ data: { checkId: check.id, siteId: site.id, runId: reportedRun, location: 'eu-1', ok: true, statusCode: 200, checkedAt: new Date() } });
    const state = () => prisma.locationState.findFirstOrThrow({ where: { checkId: check.id, location: 'eu-1' } });
    return { leasedUntil, state };
  }

  it('clears leased_until when the leased run’s result is evaluated', async () => {
    const run = randomUUID();
    const { state } = await leasedAndReported(run, run);
    expect((await evaluate()).results).toBe(1);
    expect(await state()).toMatchObject({ leaseRunId: run, leasedUntil: null, passingStrikes: 1 });
  });

  it('keeps a newer lease when an earlier run’s result is evaluated', async () => {
    const { leasedUntil, state } = await leasedAndReported(randomUUID(), randomUUID());
    expect((await evaluate()).results).toBe(1);
    expect(await state()).toMatchObject({ leasedUntil, passingStrikes: 1 });
  });

  it('keeps the lease in read-only mode, which writes nothing: the lease looks the result up', async () => {
    const run = randomUUID();
    const { leasedUntil, state } = await leasedAndReported(run, run);
    await evaluate(true);
    expect(await state()).toMatchObject({ leaseRunId: run, leasedUntil, passingStrikes: 0 });
  });
});
