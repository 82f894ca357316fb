import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { evaluatePending } from './evaluate-pending';
import { RUNNERS_SITE, sweepRunners } from './runner-offline';
import { insertResults, round, seedCheck } from './testing/seed';

const T0 = new Date('2026-11-23T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(testDatabaseKinds())('runners that stop reporting, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('opens runner_offline for a silent runner, notifies, and closes it as recovered when it reports again', async () => {
    const { prisma } = database.db;
    const log = createCapturedLogger();
    await prisma.runner.create({ data: { slug: 'eu-1', name: 'eu-1', publicKey: 'k1', keyId: 'kid-eu-1', lastSeenAt: minutes(0) } });
    await prisma.runner.create({ data: { slug: 'us-1', name: 'us-1', publicKey: 'k2', keyId: 'kid-us-1', lastSeenAt: minutes(9) } });
    const channel = await prisma.notificationChannel.create({ data: { name: 'everyone', type: 'webhook' } });
    const sweep = (at: Date, readOnly = false) => sweepRunners(database.db, { readOnly, logger: log.logger, staleAfterMs: 5 * 60_000, now: () => at });

    expect(await sweep(minutes(4))).toEqual({ opened: 0, closed: 0 });
    expect(await prisma.site.count({ where: { slug: RUNNERS_SITE.slug } })).toBe(0);

    expect(await sweep(minutes(10), true)).toEqual({ opened: 0, closed: 0 });
    expect(await prisma.siteEvent.count({ where: { eventType: 'runner_offline' } })).toBe(0);
    expect(log.lines().some((line) => line.includes('read-only: runner event open skipped') && line.includes('eu-1'))).toBe(true);

    expect(await sweep(minutes(10))).toEqual({ opened: 1, closed: 0 });
    const [event] = await prisma.siteEvent.findMany({ where: { eventType: 'runner_offline' }, include: { site: true, transitions: true } });
    expect(event).toMatchObject({ location: 'eu-1', severity: 'warning', startedAt: minutes(10), endedAt: null, checkId: null });
    expect(event?.site.slug).toBe(RUNNERS_SITE.slug);
    expect(event?.transitions.map((t) => [t.reason, t.source])).toEqual([['opened', 'system']]);
    expect(log.lines().some((line) => line.includes('runner eu-1 is offline: nothing heard for 600 s'))).toBe(true);
    // Again: still silent, nothing new.
    expect(await sweep(minutes(11))).toEqual({ opened: 0, closed: 0 });

    await prisma.runner.update({ where: { slug: 'eu-1' }, data: { lastSeenAt: minutes(12) } });
    expect(await sweep(minutes(12))).toEqual({ opened: 0, closed: 1 });
    const closed = await prisma.siteEvent.findUniqueOrThrow({ where: { id: event?.id } });
    expect([closed.endedAt, closed.resolutionReason]).toEqual([minutes(12), 'recovered']);
    const kinds = (await prisma.notification.findMany({ where: { channelId: channel.id }, orderBy: { id: 'asc' } })).map((n) => n.kind);
    expect(kinds).toEqual(['runner_offline', 'runner_recovered']);
  });

  it('closes a revoked runner’s offline event as manual, without a notification', async () => {
    const { prisma } = database.db;
    const { logger } = createCapturedLogger();
    await prisma.runner.create({ data: { slug: 'ap-1', name: 'ap-1', publicKey: 'k3', keyId: 'kid-ap-1', lastSeenAt: minutes(0) } });
    const sweep = (at: Date) => sweepRunners(database.db, { readOnly: false, logger, staleAfterMs: 5 * 60_000, now: () => at });
    await prisma.runner.updateMany({ where: { slug: { not: 'ap-1' } }, data: { lastSeenAt: minutes(30) } });
    expect(await sweep(minutes(30))).toEqual({ opened: 1, closed: 0 });
    await prisma.runner.update({ where: { slug: 'ap-1' }, data: { revokedAt: minutes(31) } });
    const before = await prisma.notification.count();
    expect(await sweep(minutes(31))).toEqual({ opened: 0, closed: 1 });
    const event = await prisma.siteEvent.findFirstOrThrow({ where: { location: 'ap-1' } });
    expect(event.resolutionReason).toBe('manual');
    expect(await prisma.notification.count()).toBe(before);
  });
});

describe.each(testDatabaseKinds())('an outage opened from an offline runner’s location, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('names the runner_offline event as its cause', async () => {
    const { prisma } = database.db;
    const { logger } = createCapturedLogger();
    await prisma.runner.create({ data: { slug: 'eu-1', name: 'eu-1', publicKey: 'k', keyId: 'kid-eu-1', lastSeenAt: minutes(0) } });
    await sweepRunners(database.db, { readOnly: false, logger, staleAfterMs: 5 * 60_000, now: () => minutes(10) });
    const offline = await prisma.siteEvent.findFirstOrThrow({ where: { eventType: 'runner_offline', location: 'eu-1', endedAt: null } });

    // The runner's spool is replayed: failures it saw while it could reach nothing.
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, minutes(5).getTime(), [...round(0, true, true, true), ...round(60, false, true, true)]);
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    const [outage] = await prisma.siteEvent.findMany({ where: { checkId: check.id } });
    expect([outage?.eventType, outage?.causeEventId]).toEqual(['seems_down', offline.id]);

    // Another check failing at a location whose runner is fine has no cause.
    const other = await seedCheck(prisma);
    await insertResults(prisma, other.check, other.site.id, minutes(5).getTime(), round(0, true, false, true));
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    const [unrelated] = await prisma.siteEvent.findMany({ where: { checkId: other.check.id } });
    expect([unrelated?.eventType, unrelated?.causeEventId]).toEqual(['seems_down', null]);
  });
});

describe.each(testDatabaseKinds())('an outage from a runner’s late results, its offline event closed first, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('still names the runner_offline event whose spell the results were taken in, in the event and its opening transition', async () => {
    const { prisma } = database.db;
    const { logger } = createCapturedLogger();
    const sweep = (at: Date) => sweepRunners(database.db, { readOnly: false, logger, staleAfterMs: 5 * 60_000, now: () => at });
    await prisma.runner.create({ data: { slug: 'us-1', name: 'us-1', publicKey: 'k', keyId: 'kid-us-1', lastSeenAt: minutes(0) } });
    expect(await sweep(minutes(10))).toEqual({ opened: 1, closed: 0 });
    // Back at minute 12: heard from, and the sweep closes its event before its spool is evaluated.
    await prisma.runner.update({ where: { slug: 'us-1' }, data: { lastSeenAt: minutes(12) } });
    expect(await sweep(minutes(12))).toEqual({ opened: 0, closed: 1 });
    const offline = await prisma.siteEvent.findFirstOrThrow({ where: { eventType: 'runner_offline', location: 'us-1' } });
    expect(offline.resolutionReason).toBe('recovered');

    // Failures it took at minute 3, while it could reach nobody, replayed from its spool.
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, minutes(3).getTime(), round(0, true, false, true));
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    const outage = await prisma.siteEvent.findFirstOrThrow({ where: { checkId: check.id }, include: { transitions: true } });
    expect([outage.eventType, outage.causeEventId]).toEqual(['seems_down', offline.id]);
    expect(outage.transitions.map((t) => [t.reason, (t.metadata as { cause_event?: string }).cause_event])).toEqual([['opened', offline.uuid]]);

    // A failure it took after it was back owes nothing to that spell.
    const later = await seedCheck(prisma);
    await insertResults(prisma, later.check, later.site.id, minutes(13).getTime(), round(0, true, false, true));
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
    const unrelated = await prisma.siteEvent.findFirstOrThrow({ where: { checkId: later.check.id } });
    expect([unrelated.eventType, unrelated.causeEventId]).toEqual(['seems_down', null]);
  });
});

describe.each(testDatabaseKinds())('an outage already open when a runner it relies on goes offline, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('links it to the runner_offline event with a cause_linked transition, state and severity unchanged', async () => {
    const { prisma } = database.db;
    const log = createCapturedLogger();
    const sweep = (at: Date, readOnly = false) => sweepRunners(database.db, { readOnly, logger: log.logger, staleAfterMs: 5 * 60_000, now: () => at });
    for (const slug of ['eu-1', 'us-1', 'ap-1']) {
      await prisma.runner.create({ data: { slug, name: slug, publicKey: `k-${slug}`, keyId: `kid-${slug}`, lastSeenAt: minutes(20) } });
    }
    // ap-1 fails (a suspicion relying on it); the other check fails at us-1 only.
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, minutes(1).getTime(), round(0, true, true, false));
    const other = await seedCheck(prisma);
    await insertResults(prisma, other.check, other.site.id, minutes(1).getTime(), round(0, true, false, true));
    await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger: log.logger });
    const suspected = await prisma.siteEvent.findFirstOrThrow({ where: { checkId: check.id } });
    expect([suspected.eventType, suspected.causeEventId]).toEqual(['seems_down', null]);

    // ap-1 then goes quiet; read-only mode only says what it would link.
    await prisma.runner.updateMany({ where: { slug: { not: 'ap-1' } }, data: { lastSeenAt: minutes(30) } });
    expect(await sweep(minutes(30), true)).toEqual({ opened: 0, closed: 0 });
    expect(log.lines().some((line) => line.includes('read-only: cause link skipped') && line.includes(suspected.uuid))).toBe(true);
    expect((await prisma.siteEvent.findUniqueOrThrow({ where: { id: suspected.id } })).causeEventId).toBeNull();

    expect(await sweep(minutes(30))).toEqual({ opened: 1, closed: 0 });
    const offline = await prisma.siteEvent.findFirstOrThrow({ where: { eventType: 'runner_offline', location: 'ap-1' } });
    const linked = await prisma.siteEvent.findUniqueOrThrow({ where: { id: suspected.id }, include: { transitions: { orderBy: { id: 'asc' } } } });
    expect([linked.eventType, linked.severity, linked.endedAt, linked.causeEventId]).toEqual(['seems_down', 'low', null, offline.id]);
    expect(linked.transitions.map((t) => [t.reason, t.stateBefore, t.stateAfter, t.severityBefore, t.severityAfter, t.source, t.at])).toEqual([
      ['opened', null, 'seems_down', null, 'low', 'location:ap-1', linked.startedAt],
      ['cause_linked', 'seems_down', 'seems_down', 'low', 'low', 'system', minutes(30)],
    ]);
    expect(linked.transitions[1]?.metadata).toEqual({ reason: 'runner_offline', runner: 'ap-1', cause_event: offline.uuid });
    const unrelated = await prisma.siteEvent.findFirstOrThrow({ where: { checkId: other.check.id } });
    expect(unrelated.causeEventId).toBeNull();
  });
});
