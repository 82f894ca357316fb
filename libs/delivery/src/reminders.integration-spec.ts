import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { scheduleReminders } from './reminders';
import { seedChannel, seedNotification, seedOutage } from './testing';

const STARTED = new Date('2026-11-23T10:00:00.000Z');
const minutes = (n: number) => new Date(STARTED.getTime() + n * 60_000);

describe.each(testDatabaseKinds())('reminders on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('reminds a channel every reminder_minutes while the outage it was told of stays open, and stops once it closes', async () => {
    const { prisma } = database.db;
    const outage = await seedOutage(prisma, STARTED);
    const reminded = await seedChannel(prisma, 'webhook', { url: 'http://127.0.0.1:9/hook' });
    await prisma.notificationChannel.update({ where: { id: reminded.id }, data: { reminderMinutes: 30 } });
    const quiet = await seedChannel(prisma, 'slack', { webhook_url: 'https://hooks.example/x' });
    const neverTold = await seedChannel(prisma, 'webhook', { url: 'http://127.0.0.1:9/other' });
    await prisma.notificationChannel.update({ where: { id: neverTold.id }, data: { reminderMinutes: 30, siteIds: [outage.site.id] } });
    const first = await seedNotification(prisma, outage, reminded.id);
    await prisma.notification.update({ where: { id: first.id }, data: { createdAt: STARTED } });
    const quietFirst = await seedNotification(prisma, outage, quiet.id);
    await prisma.notification.update({ where: { id: quietFirst.id }, data: { createdAt: STARTED } });

    const reminders = () =>
      prisma.notification.findMany({ where: { kind: 'reminder' }, orderBy: { id: 'asc' }, select: { channelId: true, idempotencyKey: true, createdAt: true } });

    expect(await scheduleReminders(database.db, minutes(29))).toBe(0);
    expect(await scheduleReminders(database.db, minutes(30))).toBe(1);
    expect(await scheduleReminders(database.db, minutes(31))).toBe(0);
    expect(await scheduleReminders(database.db, minutes(60))).toBe(1);
    expect(await reminders()).toEqual([
      { channelId: reminded.id, idempotencyKey: `${outage.event.uuid}:reminder:1:${reminded.id}`, createdAt: minutes(30) },
      { channelId: reminded.id, idempotencyKey: `${outage.event.uuid}:reminder:2:${reminded.id}`, createdAt: minutes(60) },
    ]);

    await prisma.siteEvent.update({ where: { id: outage.event.id }, data: { endedAt: minutes(70), resolutionReason: 'recovered' } });
    expect(await scheduleReminders(database.db, minutes(120))).toBe(0);
  });
});
