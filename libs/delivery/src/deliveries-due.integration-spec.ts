import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { deliverDue, deliveriesDue } from './deliver-due';
import { defaultSenders } from './senders';
import { seedChannel, seedNotification, seedOutage } from './testing';
import type { AttemptOutcome, Sender } from './types';

const T0 = new Date('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(testDatabaseKinds({ postgres: 'semantics' }))("the notifier's look for due rows on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it('says a row is due exactly when a claim at the same time takes one', async () => {
    const { prisma } = t.db;
    const answers: AttemptOutcome[] = [];
    const webhook: Sender = async () => answers.shift() ?? { ok: true, statusCode: 200, retryable: false, durationMs: 1 };
    const deliver = (now: Date) =>
      deliverDue(t.db, {
        logger: createCapturedLogger().logger,
        now: () => now,
        backoff: { initialMs: 10_000, maxMs: 10_000 },
        senders: { ...defaultSenders, webhook },
        secretKeys: SecretKeyring.fromText(generateSecretKey()),
      });
    /** The look's answer at `now`, then whether a claim at `now` took a row: the two must agree. */
    const agree = async (now: Date) => {
      const due = await deliveriesDue(t.db, now);
      expect([now.toISOString(), due]).toEqual([now.toISOString(), (await deliver(now)).claimed > 0]);
      return due;
    };

    expect(await agree(at(0))).toBe(false);
    const outage = await seedOutage(prisma, T0);
    const channel = await seedChannel(prisma, 'webhook', { url: 'http://127.0.0.1:9/never-called' });
    await seedNotification(prisma, outage, channel.id, 'outage_confirmed', at(60));
    // Due at its next attempt, not a moment before.
    expect(await agree(at(59))).toBe(false);
    answers.push({ ok: false, statusCode: 503, retryable: true, durationMs: 1 });
    expect(await agree(at(60))).toBe(true);
    // Retrying after its backoff: not due meanwhile, due again once it is up.
    expect(await agree(at(65))).toBe(false);
    expect(await agree(at(70))).toBe(true);
    // Delivered: nothing left, however late.
    expect((await prisma.notification.findFirstOrThrow({ where: { channelId: channel.id } })).status).toBe('delivered');
    expect(await agree(at(3600))).toBe(false);
  });
});
