import { type Database, openDatabase } from '@vigil/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { channelSealer, generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { type DeliverOptions, deliverDue } from './deliver-due';
import { defaultSenders } from './senders';
import {
  type Answer,
  createSelfSignedCertificate,
  mimeParts,
  type Receiver,
  seedChannel,
  seedNotification,
  seedOutage,
  startReceiver,
  startSmtpReceiver,
} from './testing';
import { verifyWebhookSignature } from './senders/webhook-signature';
import type { AttemptOutcome, Sender } from './types';

const SECRET = 'whsec-integration-0123456789';
const T0 = new Date('2026-11-23T10:00:00.000Z');

/** A settable clock, for driving the worker past each backoff. */
function fakeClock(start = T0) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms), set: (date: Date) => (now = date.getTime()) };
}

// PostgreSQL: two notifiers claiming the outbox at once (SKIP LOCKED).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('deliverDue on %s', (kind) => {
  let t: TestDatabase;
  let receiver: Receiver;
  let answers: Answer[];
  const { logger, entries } = createCapturedLogger();
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    // Answers are taken in order; once they run out the receiver says 200.
    receiver = await startReceiver({ respond: () => answers.shift() ?? { status: 200, body: 'thanks' } });
  });
  afterAll(async () => {
    await receiver.close();
    await t.dispose();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    answers = [];
  });

  const backoff = { initialMs: 1000, maxMs: 60_000 };
  const secretKeys = SecretKeyring.fromText(generateSecretKey());
  const options = (clock: { now: () => Date }, more: Partial<DeliverOptions> = {}): DeliverOptions => ({
    logger,
    now: clock.now,
    backoff,
    context: { timeoutMs: 3000 },
    secretKeys,
    ...more,
  });
  const attemptsOf = (notificationId: bigint) =>
    t.db.prisma.notificationAttempt.findMany({ where: { notificationId }, orderBy: { id: 'asc' } });

  it('retries a receiver that fails three times with backoff, then delivers once, with the same key every time', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: `${receiver.url}/hook`, secret: SECRET });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    answers = [
      { status: 500, body: 'boom 1' },
      { status: 500, body: 'boom 2' },
      { status: 500, body: 'boom 3' },
      { status: 200, body: 'accepted' },
    ];
    const clock = fakeClock();

    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 1, retrying: 1, delivered: 0 });
      const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
      const delay = row.nextAttemptAt.getTime() - clock.now().getTime();
      const expected = backoff.initialMs * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(expected * 0.8);
      expect(delay).toBeLessThanOrEqual(expected * 1.2);
      expect(row).toMatchObject({ status: 'pending', attemptCount: attempt, lastError: expect.stringContaining('500') });
      // Not due yet: nothing to claim until the backoff has passed.
      clock.advance(delay - 1);
      expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 0 });
      clock.advance(1);
    }
    expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 1, delivered: 1 });
    clock.advance(3_600_000);
    expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 0 });

    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row).toMatchObject({ status: 'delivered', attemptCount: 4 });
    expect(row.deliveredAt).not.toBeNull();
    const attempts = await attemptsOf(notification.id);
    expect(attempts.map((a) => [a.ok, a.statusCode, a.responseExcerpt])).toEqual([
      [false, 500, 'boom 1'],
      [false, 500, 'boom 2'],
      [false, 500, 'boom 3'],
      [true, 200, 'accepted'],
    ]);
    expect(attempts.every((a) => a.durationMs !== null && a.durationMs >= 0)).toBe(true);
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([notification.idempotencyKey]));
    const logged = entries().filter((e) => e['notification'] === notification.uuid);
    expect(logged.map((e) => [e['message'], e['attempt'], e['status_code']])).toEqual([
      ['notification attempt failed; will retry', 1, 500],
      ['notification attempt failed; will retry', 2, 500],
      ['notification attempt failed; will retry', 3, 500],
      ['notification delivered', 4, 200],
    ]);
    for (const request of receiver.requests) {
      const timestamp = request.headers['x-vigil-timestamp'] as string;
      const at = new Date(Number(timestamp) * 1000);
      expect(verifyWebhookSignature(SECRET, timestamp, request.body, request.headers['x-vigil-signature'] as string, { now: at })).toEqual({ valid: true });
      expect(JSON.parse(request.body)).toMatchObject({
        kind: 'outage_confirmed',
        event: { id: outage.event.id.toString(), uuid: outage.event.uuid, type: 'down' },
        site: { uuid: outage.site.uuid },
        check: { uuid: outage.check.uuid, type: 'http' },
        locations: { failing: ['eu-1', 'us-1'], reporting: 'us-1' },
      });
    }
  });

  it("sets the site's last alert when a notification is delivered, not on a failed attempt, and links the dashboard's event page", async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: `${receiver.url}/last-alert` });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    answers = [{ status: 503, body: 'busy' }];
    const clock = fakeClock();
    const more = { publicUrl: 'https://vigil.example/' };
    const lastAlert = async () => (await t.db.prisma.site.findUniqueOrThrow({ where: { id: outage.site.id } })).lastAlertSentAt;

    expect(await deliverDue(t.db, options(clock, more))).toMatchObject({ retrying: 1 });
    expect(await lastAlert()).toBeNull();
    clock.advance(3_600_000);
    expect(await deliverDue(t.db, options(clock, more))).toMatchObject({ delivered: 1 });
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(await lastAlert()).toEqual(row.deliveredAt);
    expect(row.deliveredAt).toEqual(clock.now());

    // A delivery recorded with an older clock (a slower notifier) leaves the later time alone.
    const later = await seedNotification(t.db.prisma, outage, channel.id, 'reminder', new Date(T0.getTime() - 60_000));
    expect(await deliverDue(t.db, options(fakeClock(new Date(T0.getTime() - 1000)), more))).toMatchObject({ delivered: 1 });
    expect((await t.db.prisma.notification.findUniqueOrThrow({ where: { id: later.id } })).status).toBe('delivered');
    expect(await lastAlert()).toEqual(row.deliveredAt);

    for (const request of receiver.requests) {
      expect(JSON.parse(request.body).links).toEqual([{ label: 'Event', url: `https://vigil.example/events/${outage.event.uuid}` }]);
    }
    expect(receiver.requests).toHaveLength(3);
  });

  it('opens a channel stored sealed just before sending, and names the target without its userinfo', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    await t.db.prisma.endpoint.updateMany({
      where: { checks: { some: { id: outage.check.id } } },
      data: { target: 'http://bot:url-pass-word-PW42@127.0.0.1:1/health' },
    });
    const config = channelSealer(secretKeys, 'webhook').seal({ url: `${receiver.url}/sealed`, secret: SECRET, headers: { Authorization: 'Bearer sealed-token-1234' } });
    expect(JSON.stringify(config)).not.toContain(SECRET);
    const channel = await seedChannel(t.db.prisma, 'webhook', config as Record<string, string>);
    await seedNotification(t.db.prisma, outage, channel.id);
    expect(await deliverDue(t.db, options(fakeClock()))).toMatchObject({ claimed: 1, delivered: 1 });
    const [request] = receiver.requests;
    expect(request.headers['authorization']).toBe('Bearer sealed-token-1234');
    const timestamp = request.headers['x-vigil-timestamp'] as string;
    expect(verifyWebhookSignature(SECRET, timestamp, request.body, request.headers['x-vigil-signature'] as string, { now: new Date(Number(timestamp) * 1000) })).toEqual({
      valid: true,
    });
    expect(request.body).not.toContain('url-pass-word-PW42');
    expect(JSON.parse(request.body).check.target).toBe('http://127.0.0.1:1/health');
  });

  it('does not send through a channel whose secrets no key opens, and says so without them', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const stranger = SecretKeyring.fromText(generateSecretKey());
    const config = channelSealer(stranger, 'webhook').seal({ url: `${receiver.url}/stranger`, secret: SECRET });
    const channel = await seedChannel(t.db.prisma, 'webhook', config as Record<string, string>);
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    expect(await deliverDue(t.db, options(fakeClock()))).toMatchObject({ claimed: 1, retrying: 1 });
    expect(receiver.requests).toHaveLength(0);
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row.lastError).toContain('VIGIL_SECRET_KEY_PREVIOUS');
    await t.db.prisma.notification.update({ where: { id: notification.id }, data: { status: 'failed' } });
  });

  it('marks a notification failed at once when the receiver refuses it for good, keeping the answer', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: receiver.url });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    answers = [{ status: 400, body: '{"error":"unknown hook"}' }];

    expect(await deliverDue(t.db, options(fakeClock()))).toMatchObject({ claimed: 1, failed: 1 });
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row).toMatchObject({ status: 'failed', attemptCount: 1, deliveredAt: null });
    expect(row.lastError).toMatch(/400.*not retryable/);
    expect(entries().find((e) => e['notification'] === notification.uuid)).toMatchObject({ level: 'error', message: 'notification failed', channel_type: 'webhook' });
    expect((await attemptsOf(notification.id)).map((a) => [a.ok, a.statusCode, a.responseExcerpt])).toEqual([[false, 400, '{"error":"unknown hook"}']]);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: receiver.url });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    answers = Array.from({ length: 5 }, () => ({ status: 503, body: 'unavailable' }));
    const clock = fakeClock();

    const settled = [];
    for (let i = 0; i < 3; i++) {
      settled.push(await deliverDue(t.db, options(clock, { maxAttempts: 3 })));
      clock.advance(backoff.maxMs * 2);
    }
    expect(settled.map((r) => [r.retrying, r.failed])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(await deliverDue(t.db, options(clock, { maxAttempts: 3 }))).toMatchObject({ claimed: 0 });
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row).toMatchObject({ status: 'failed', attemptCount: 3 });
    expect(row.lastError).toMatch(/503.*gave up after 3 attempts/);
    expect(await attemptsOf(notification.id)).toHaveLength(3);
    expect(receiver.requests).toHaveLength(3);
  });

  it('marks the notifications of a disabled channel failed without sending them', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: receiver.url }, { enabled: false });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);

    expect(await deliverDue(t.db, options(fakeClock()))).toMatchObject({ claimed: 1, failed: 1 });
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row).toMatchObject({ status: 'failed', attemptCount: 0, lastError: 'channel disabled' });
    expect(await attemptsOf(notification.id)).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends again after the lease when a notifier stopped between sending and recording, and keeps the late record apart', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'webhook', { url: receiver.url });
    const notification = await seedNotification(t.db.prisma, outage, channel.id);
    const clock = fakeClock();

    // The first notifier sends, then hangs before recording (as if it had died).
    let finishHung!: (outcome: AttemptOutcome) => void;
    const hung = new Promise<AttemptOutcome>((resolve) => (finishHung = resolve));
    const hangingWebhook: Sender = async (message, config, context) => {
      await defaultSenders.webhook(message, config, context);
      return hung;
    };
    const first = deliverDue(t.db, options(clock, { senders: { ...defaultSenders, webhook: hangingWebhook }, leaseMs: 60_000 }));
    while (receiver.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

    clock.advance(59_000);
    expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 0 });
    clock.advance(1_000);
    expect(await deliverDue(t.db, options(clock))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([notification.idempotencyKey, notification.idempotencyKey]);

    finishHung({ ok: true, statusCode: 200, retryable: false, durationMs: 5 });
    expect(await first).toMatchObject({ claimed: 1, superseded: 1, delivered: 0 });
    const row = await t.db.prisma.notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(row).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(await attemptsOf(notification.id)).toHaveLength(2);
  });

  it('triggers then resolves a PagerDuty incident with the event uuid as dedup key', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'pagerduty', { routing_key: 'R0UT1NGKEY0123456789abcdefABCDEF' });
    const clock = fakeClock();
    const pd = { context: { pagerDutyEventsUrl: `${receiver.url}/v2/enqueue` } };
    await seedNotification(t.db.prisma, outage, channel.id, 'outage_confirmed', T0);
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ delivered: 1 });

    await t.db.prisma.siteEvent.update({ where: { id: outage.event.id }, data: { endedAt: new Date(T0.getTime() + 300_000), resolutionReason: 'recovered' } });
    await seedNotification(t.db.prisma, outage, channel.id, 'outage_recovered', T0);
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ delivered: 1 });

    const bodies = receiver.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.event_action, b.dedup_key])).toEqual([
      ['trigger', outage.event.uuid],
      ['resolve', outage.event.uuid],
    ]);
    expect(bodies[0].payload).toMatchObject({ severity: 'critical', summary: expect.stringMatching(/^DOWN: /) });
  });

  it('sends one event’s notifications to a channel in order: a resolve waits while its trigger is retried', async () => {
    const outage = await seedOutage(t.db.prisma, T0);
    const channel = await seedChannel(t.db.prisma, 'pagerduty', { routing_key: 'R0UT1NGKEY0123456789abcdefABCDEF' });
    const clock = fakeClock();
    const pd = { context: { pagerDutyEventsUrl: `${receiver.url}/v2/enqueue` } };
    const first = receiver.requests.length;
    answers.push({ status: 503, body: 'busy' });
    const trigger = await seedNotification(t.db.prisma, outage, channel.id, 'outage_confirmed', T0);
    const resolve = await seedNotification(t.db.prisma, outage, channel.id, 'outage_recovered', T0);
    // Both are due; only the trigger is sent, and it fails.
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ claimed: 0 });
    clock.advance(60_000);
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await deliverDue(t.db, options(clock, pd))).toMatchObject({ claimed: 1, delivered: 1 });
    const sent = receiver.requests.slice(first).map((r) => JSON.parse(r.body).event_action);
    expect(sent).toEqual(['trigger', 'trigger', 'resolve']);
    const rows = await t.db.prisma.notification.findMany({ where: { id: { in: [trigger.id, resolve.id] } }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.status)).toEqual(['delivered', 'delivered']);
  });

  it('posts a Slack message over https', async () => {
    const certificate = createSelfSignedCertificate();
    const slack = await startReceiver({ tls: certificate });
    try {
      const outage = await seedOutage(t.db.prisma, T0);
      const channel = await seedChannel(t.db.prisma, 'slack', { webhook_url: `${slack.url}/services/T/B/X` });
      await seedNotification(t.db.prisma, outage, channel.id);
      expect(await deliverDue(t.db, options(fakeClock(), { context: { ca: certificate.cert } }))).toMatchObject({ delivered: 1 });
      const body = JSON.parse(slack.requests[0].body);
      expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
      expect(body.text).toMatch(/^:red_circle: DOWN: /);
    } finally {
      await slack.close();
    }
  });

  it('emails a text and HTML message through SMTP', async () => {
    const smtp = await startSmtpReceiver();
    try {
      const outage = await seedOutage(t.db.prisma, T0);
      const channel = await seedChannel(t.db.prisma, 'email', { to: ['ops@example.com'] });
      const notification = await seedNotification(t.db.prisma, outage, channel.id);
      const context = { smtp: { host: '127.0.0.1', port: smtp.port, secure: false }, emailFrom: 'vigil@example.com' };
      expect(await deliverDue(t.db, options(fakeClock(), { context }))).toMatchObject({ delivered: 1 });
      expect(smtp.mails).toHaveLength(1);
      const parts = mimeParts(smtp.mails[0].raw);
      expect(parts['text/plain']).toContain(`Event id: ${outage.event.uuid}`);
      expect(parts['text/html']).toContain('<h2>DOWN: ');
      const [attempt] = await attemptsOf(notification.id);
      expect(attempt).toMatchObject({ ok: true, statusCode: 250 });
    } finally {
      await smtp.close();
    }
  });

  if (kind === 'postgres') {
    it('never delivers a row twice when two notifiers run at once', async () => {
      const outage = await seedOutage(t.db.prisma, T0);
      const count = 40;
      const seeded = [];
      // A channel each: one channel's notifications of one event go one at a time, in order.
      for (let i = 0; i < count; i++) {
        const channel = await seedChannel(t.db.prisma, 'webhook', { url: receiver.url });
        seeded.push(await seedNotification(t.db.prisma, outage, channel.id));
      }
      const other: Database = await openDatabase({ kind: 'postgres', url: t.url ?? '' }, { poolSize: 4 });
      try {
        // Slow answers keep both notifiers' claims overlapping.
        answers = Array.from({ length: count }, () => ({ status: 200, body: 'ok', delayMs: 20 }));
        const drain = async (db: Database) => {
          let delivered = 0;
          for (;;) {
            const result = await deliverDue(db, options(fakeClock(), { limit: 5 }));
            if (result.claimed === 0) return delivered;
            delivered += result.delivered;
          }
        };
        const [a, b] = await Promise.all([drain(t.db), drain(other)]);
        expect(a + b).toBe(count);
        expect(a).toBeGreaterThan(0);
        expect(b).toBeGreaterThan(0);
        const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
        expect(keys).toHaveLength(count);
        expect(new Set(keys).size).toBe(count);
        const attempts = await t.db.prisma.notificationAttempt.count({ where: { notificationId: { in: seeded.map((n) => n.id) } } });
        expect(attempts).toBe(count);
      } finally {
        await other.close();
      }
    });
  }
});
