import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { closeRetiredChecks } from './close-retired';
import { evaluatePending } from './evaluate-pending';
import { insertResults, round, seedCheck } from './testing/seed';

const START = Date.parse('2026-11-23T10:00:00.000Z');
const CLOSED_AT = new Date('2026-11-23T11:00:00.000Z');

describe.each(testDatabaseKinds())('closing the events of disabled and deleted checks on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  /** A check with an open event: `down` (two rounds, two locations failing) or `seems_down` (one round). */
  async function checkWithOpenEvent(eventType: 'down' | 'seems_down') {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    const channel = await prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', siteIds: [site.id] } });
    const rounds = eventType === 'down' ? [...round(0, false, false, true), ...round(60, false, false, true)] : [...round(0, true, true, true), ...round(60, false, true, true)];
    await insertResults(prisma, check, site.id, START, rounds);
    const { logger } = createCapturedLogger();
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    const [event] = await prisma.siteEvent.findMany({ where: { checkId: check.id, endedAt: null } });
    expect(event?.eventType).toBe(eventType);
    return { site, check, channel, event: event ?? (undefined as never) };
  }

  it('closes a disabled check’s outage as check_disabled, tells who was told it is down, and shows the check paused', async () => {
    const { prisma } = database.db;
    const { site, check, channel, event } = await checkWithOpenEvent('down');
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('down');
    await prisma.check.update({ where: { id: check.id }, data: { enabled: false } });

    const log = createCapturedLogger();
    const outcome = await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger: log.logger, now: () => CLOSED_AT });
    expect(outcome).toEqual({ checks: 1, closed: 1 });

    const closed = await prisma.siteEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect([closed.endedAt, closed.resolutionReason, closed.startedAt]).toEqual([CLOSED_AT, 'check_disabled', event.startedAt]);
    const [last] = await prisma.eventTransition.findMany({ where: { eventId: event.id }, orderBy: { id: 'desc' }, take: 1 });
    expect(last).toMatchObject({ reason: 'check_disabled', source: 'system', stateBefore: 'down', stateAfter: 'down', at: CLOSED_AT });
    const notifications = await prisma.notification.findMany({ where: { eventId: event.id, channelId: channel.id }, orderBy: { id: 'asc' } });
    expect(notifications.map((n) => n.kind)).toEqual(['outage_confirmed', 'outage_resolved']);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('paused');
    // The site had this one check: with none enabled it shows unknown.
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('unknown');

    expect(await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger: log.logger })).toEqual({ checks: 0, closed: 0 });
  });

  it('closes the outage of an archived site’s check, so that no reminder keeps paging about it', async () => {
    const { prisma } = database.db;
    const { site, check, channel, event } = await checkWithOpenEvent('down');
    await prisma.site.update({ where: { id: site.id }, data: { archivedAt: new Date() } });
    const { logger } = createCapturedLogger();
    expect(await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger, now: () => CLOSED_AT })).toEqual({ checks: 1, closed: 1 });
    const closed = await prisma.siteEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect([closed.endedAt, closed.resolutionReason]).toEqual([CLOSED_AT, 'check_disabled']);
    const [last] = await prisma.eventTransition.findMany({ where: { eventId: event.id }, orderBy: { id: 'desc' }, take: 1 });
    expect(last.metadata).toEqual({ reason: 'check_disabled', site_archived: true });
    const notifications = await prisma.notification.findMany({ where: { eventId: event.id, channelId: channel.id }, orderBy: { id: 'asc' } });
    expect(notifications.map((n) => n.kind)).toEqual(['outage_confirmed', 'outage_resolved']);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('paused');
    expect(await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger })).toEqual({ checks: 0, closed: 0 });
  });

  it('shows the site as its remaining checks are once a check no longer counts', async () => {
    const { prisma } = database.db;
    const { site, check } = await checkWithOpenEvent('down');
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `https://other-${site.id}.example/` } });
    await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', status: 'up' } });
    await prisma.check.update({ where: { id: check.id }, data: { enabled: false } });
    const { logger } = createCapturedLogger();
    await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger, now: () => CLOSED_AT });
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('up');
  });

  it('closes a deleted check’s suspicion as check_deleted without notifying anybody', async () => {
    const { prisma } = database.db;
    const { check, event } = await checkWithOpenEvent('seems_down');
    await prisma.check.update({ where: { id: check.id }, data: { deletedAt: new Date() } });
    const { logger } = createCapturedLogger();
    expect(await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger, now: () => CLOSED_AT })).toEqual({ checks: 1, closed: 1 });
    expect((await prisma.siteEvent.findUniqueOrThrow({ where: { id: event.id } })).resolutionReason).toBe('check_deleted');
    expect(await prisma.notification.count({ where: { eventId: event.id } })).toBe(0);
  });

  it('writes nothing in read-only mode, logging what it would have closed', async () => {
    const { prisma } = database.db;
    const { check, event } = await checkWithOpenEvent('down');
    await prisma.check.update({ where: { id: check.id }, data: { enabled: false } });
    const log = createCapturedLogger();
    expect(await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: true, logger: log.logger })).toEqual({ checks: 1, closed: 0 });
    expect((await prisma.siteEvent.findUniqueOrThrow({ where: { id: event.id } })).endedAt).toBeNull();
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('down');
    expect(log.lines().some((line) => line.includes('read-only: close skipped') && line.includes(event.uuid))).toBe(true);
    expect(log.lines().some((line) => line.includes('read-only: write skipped') && line.includes('checks.status'))).toBe(true);
    // Clean up for the other tests: a real pass closes it.
    await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger: log.logger });
  });
});
