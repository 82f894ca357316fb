import { setTimeout as sleep } from 'node:timers/promises';
import { OUTBOX_CHANNEL } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
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
});
