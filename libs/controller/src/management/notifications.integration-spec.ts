import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

type Fixture = Awaited<ReturnType<typeof createSiteWithCheck>>;

describe.each(testDatabaseKinds())('the notifications API on %s', (kind) => {
  let harness: ControllerHarness;
  let alpha: Fixture;
  let beta: Fixture;
  let reader: string;
  let writer: string;
  let sequence = 0;

  /** Outbox rows go straight into the table: the evaluator writes them, the notifier delivers them. */
  async function insertNotification(fixture: Fixture, data: { status?: 'pending' | 'delivered' | 'failed'; createdAt?: Date; lastError?: string } = {}) {
    sequence += 1;
    const event = await harness.db.prisma.siteEvent.create({
      // Closed, so that a check may have many (at most one is open).
      data: { siteId: fixture.site.id, checkId: fixture.check.id, eventType: 'down', severity: 'high', startedAt: new Date(), endedAt: new Date(), resolutionReason: 'recovered' },
    });
    const channel = await harness.db.prisma.notificationChannel.create({
      data: { name: `hook ${sequence}`, type: 'webhook', config: { url: 'http://127.0.0.1:9/hook' } },
    });
    return harness.db.prisma.notification.create({
      data: {
        siteId: fixture.site.id,
        eventId: event.id,
        channelId: channel.id,
        kind: 'outage_confirmed',
        idempotencyKey: `${event.uuid}:${sequence}:${channel.id}`,
        ...data,
      },
      include: { event: true, channel: true },
    });
  }

  const get = (path: string, authorization = reader) => request(harness.app).get(path).set('Authorization', authorization);

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    reader = await harness.keyWith(['read']);
    writer = await harness.keyWith(['write']);
    alpha = await createSiteWithCheck(harness.db.prisma);
    beta = await createSiteWithCheck(harness.db.prisma);
  });
  afterAll(() => harness.dispose());

  it('lists the outbox newest first, and filters by status, site, event and channel', async () => {
    const older = await insertNotification(alpha, { status: 'failed', lastError: 'HTTP 500', createdAt: new Date('2026-01-01T00:00:00Z') });
    const newer = await insertNotification(alpha, { createdAt: new Date('2026-01-02T00:00:00Z') });
    const elsewhere = await insertNotification(beta, { status: 'delivered', createdAt: new Date('2026-01-03T00:00:00Z') });

    const all = await get('/api/v1/notifications');
    expect(all.status).toBe(200);
    expect(all.body.data.map((row: { id: string }) => row.id).slice(0, 3)).toEqual([elsewhere.uuid, newer.uuid, older.uuid]);
    expect(all.body.data[2]).toEqual({
      id: older.uuid,
      event_id: older.event.uuid,
      site_id: alpha.site.uuid,
      channel: { id: older.channel.uuid, name: older.channel.name, type: 'webhook' },
      kind: 'outage_confirmed',
      status: 'failed',
      idempotency_key: older.idempotencyKey,
      attempt_count: 0,
      next_attempt_at: null,
      last_error: 'HTTP 500',
      created_at: '2026-01-01T00:00:00.000Z',
      delivered_at: null,
    });

    const ids = async (query: string) => (await get(`/api/v1/notifications?${query}`)).body.data.map((row: { id: string }) => row.id);
    expect(await ids('status=failed')).toEqual([older.uuid]);
    expect(await ids(`site_id=${beta.site.uuid}`)).toEqual([elsewhere.uuid]);
    expect(await ids(`event_id=${newer.event.uuid}`)).toEqual([newer.uuid]);
    expect(await ids(`channel_id=${older.channel.uuid}`)).toEqual([older.uuid]);

    const first = await get('/api/v1/notifications?limit=2');
    const second = await get(`/api/v1/notifications?limit=2&cursor=${first.body.next_cursor}`);
    expect([...first.body.data, ...second.body.data].map((row: { id: string }) => row.id).slice(0, 3)).toEqual([
      elsewhere.uuid,
      newer.uuid,
      older.uuid,
    ]);
  });

  it('shows one notification with every attempt, oldest first, and 404 for an unknown id', async () => {
    const row = await insertNotification(alpha, { status: 'failed' });
    await harness.db.prisma.notificationAttempt.createMany({
      data: [
        { notificationId: row.id, at: new Date('2026-01-01T00:00:00Z'), ok: false, statusCode: 500, durationMs: 12, responseExcerpt: 'oops' },
        { notificationId: row.id, at: new Date('2026-01-01T00:01:00Z'), ok: false, error: 'ECONNREFUSED' },
      ],
    });
    const response = await get(`/api/v1/notifications/${row.uuid}`);
    expect(response.status).toBe(200);
    expect(response.body.attempts).toEqual([
      { at: '2026-01-01T00:00:00.000Z', ok: false, status_code: 500, duration_ms: 12, response_excerpt: 'oops', error: null },
      { at: '2026-01-01T00:01:00.000Z', ok: false, status_code: null, duration_ms: null, response_excerpt: null, error: 'ECONNREFUSED' },
    ]);
    expect((await get('/api/v1/notifications/0b9f8a5e-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('retries a failed notification (pending, due now, a fresh count) and refuses to retry one that is not failed', async () => {
    const failed = await insertNotification(alpha, { status: 'failed', lastError: 'gave up after 8 attempts' });
    await harness.db.prisma.notification.update({ where: { id: failed.id }, data: { attemptCount: 8 } });
    const before = Date.now();
    const retried = await request(harness.app).post(`/api/v1/notifications/${failed.uuid}/retry`).set('Authorization', writer);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempt_count: 0, last_error: null, idempotency_key: failed.idempotencyKey });
    expect(Date.parse(retried.body.next_attempt_at)).toBeGreaterThanOrEqual(before - 1000);

    const again = await request(harness.app).post(`/api/v1/notifications/${failed.uuid}/retry`).set('Authorization', writer);
    expect([again.status, again.body.error.message]).toEqual([409, 'The notification is pending; only a failed one can be retried']);
    expect((await request(harness.app).post(`/api/v1/notifications/${failed.uuid}/retry`).set('Authorization', reader)).status).toBe(403);
  });
});
