import { setTimeout as sleep } from 'node:timers/promises';
import { OUTBOX_CHANNEL } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { until } from '@vigil/testing';
import { createSweepHealth } from '@vigil/worker-loop';
import { Registry } from 'prom-client';
import { type NotifierService, startNotifier } from './notifier-service';
import { type Receiver, seedChannel, seedNotification, seedOutage, startReceiver } from './testing';

// PostgreSQL: the evaluator's NOTIFY reaching the notifier's LISTEN connection.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the notifier service on %s', (kind) => {
  let database: TestDatabase;
  let receiver: Receiver;
  let notifier: NotifierService | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await notifier?.stop();
    await receiver.close();
    await database.dispose();
  });

  it('delivers a row as soon as the evaluator NOTIFYs (it polls only every minute here), and counts the attempt', async () => {
    const { prisma } = database.db;
    const metrics = new Registry();
    notifier = await startNotifier({ db: database.db, logger: createCapturedLogger().logger, metrics, context: {}, secretKeys: SecretKeyring.fromText(generateSecretKey()), pollIntervalMs: 60_000 });
    await notifier.nextStep();
    await sleep(300);
    const outage = await seedOutage(prisma, new Date(Date.now() - 1000));
    const channel = await seedChannel(prisma, 'webhook', { url: `${receiver.url}/hook` });
    const row = await seedNotification(prisma, outage, channel.id, 'outage_confirmed', new Date(Date.now() - 1000));
    await prisma.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
    const deadline = Date.now() + 10_000;
    while ((await prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).status !== 'delivered') {
      if (Date.now() > deadline) throw new Error('the notification was not delivered');
      await sleep(20);
    }
    expect(receiver.requests.map((request) => request.headers['idempotency-key'])).toEqual([row.idempotencyKey]);
    expect(await metrics.metrics()).toContain('vigil_notifier_attempts_total{outcome="delivered"} 1');
  });

  it('tells its sweep health of each step: not ready while its outbox cannot be read, ready again once it can', async () => {
    await notifier?.stop();
    const metrics = new Registry();
    const health = createSweepHealth({ service: 'notifier', maxFailedSweeps: 2, metrics });
    notifier = await startNotifier({
      db: database.db,
      logger: createCapturedLogger().logger,
      metrics,
      context: {},
      secretKeys: SecretKeyring.fromText(generateSecretKey()),
      pollIntervalMs: 20,
      health,
    });
    await until(() => health.status().loops['notifier']?.lastSuccessAt !== undefined, 'a successful step');
    expect(health.status().ready).toBe(true);
    try {
      await database.db.prisma.$executeRawUnsafe('ALTER TABLE notifications RENAME TO notifications_broken');
      await until(() => !health.status().ready, 'the notifier to be not ready', 15_000);
      expect(health.status().reason).toMatch(/^notifier failed \d+ times in a row: .*notifications/);
      expect(await metrics.metrics()).toMatch(/vigil_consecutive_failed_sweeps\{service="notifier",loop="notifier"\} [2-9]/);
    } finally {
      await database.db.prisma.$executeRawUnsafe('ALTER TABLE IF EXISTS notifications_broken RENAME TO notifications');
    }
    // Its backoff after a streak waits a few seconds before the next try.
    await until(() => health.status().ready, 'the notifier to be ready again', 40_000);
    expect(health.status().loops['notifier']?.consecutiveFailures).toBe(0);
  });
});
