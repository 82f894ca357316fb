import { randomUUID } from 'node:crypto';
import { HEARTBEAT_LOCATION, heartbeatSettings } from '@vigil/contracts';
import type { Check, Site, VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { evaluatePending } from './evaluate-pending';
import { sweepFreshness } from './freshness-sweep';
import { lateRunId, sweepHeartbeats } from './heartbeat-sweep';

const T0 = Date.parse('2026-12-05T03:00:00.000Z');
const seconds = (n: number) => new Date(T0 + n * 1000);
const SPEC = { period_s: 60, grace_s: 30 };

let counter = 0;

/** A heartbeat check as the API creates it: one @heartbeat location, quorum 1 of 1, waiting for its first ping. */
async function seedHeartbeat(prisma: VigilPrisma): Promise<{ site: Site; check: Check }> {
  const n = ++counter;
  const site = await prisma.site.create({ data: { name: `jobs ${n}`, slug: `jobs-${n}-${randomUUID().slice(0, 8)}` } });
  const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `backup-${n}` } });
  const settings = heartbeatSettings(SPEC);
  const check = await prisma.check.create({
    data: {
      endpointId: endpoint.id,
      type: 'heartbeat',
      spec: SPEC,
      intervalS: settings.interval_s,
      timeoutMs: settings.timeout_ms,
      locations: settings.locations,
      failingThreshold: 1,
      passingThreshold: 1,
      failingLocationsThreshold: '1',
      pingToken: randomUUID(),
    },
  });
  await prisma.locationState.create({ data: { checkId: check.id, siteId: site.id, location: HEARTBEAT_LOCATION, nextDueAt: seconds(0) } });
  await prisma.notificationChannel.create({ data: { name: `ops ${n}`, type: 'webhook', siteIds: [site.id] } });
  return { site, check };
}

/** A ping as the ping route stores it: the ping row, and for success/fail a result; the deadline set. */
async function ping(prisma: VigilPrisma, check: Check, siteId: number, kind: 'start' | 'success' | 'fail', atS: number): Promise<void> {
  await prisma.heartbeatPing.create({ data: { checkId: check.id, siteId, kind, receivedAt: seconds(atS) } });
  if (kind !== 'start') {
    await prisma.checkResult.create({
      data: { checkId: check.id, siteId, runId: randomUUID(), location: HEARTBEAT_LOCATION, ok: kind === 'success', errorCode: kind === 'fail' ? 'fail' : null, checkedAt: seconds(atS) },
    });
  }
  const due = kind === 'start' ? atS + SPEC.grace_s : kind === 'success' ? atS + SPEC.period_s + SPEC.grace_s : 1e9;
  await prisma.locationState.updateMany({ where: { checkId: check.id, location: HEARTBEAT_LOCATION }, data: { nextDueAt: seconds(due) } });
}

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('heartbeat lateness on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  const log = createCapturedLogger();
  const evaluate = (atS: number) => evaluatePending(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(atS) });
  const sweep = (atS: number, readOnly = false) => sweepHeartbeats(database.db, { maxChecks: 50, readOnly, logger: log.logger, now: () => seconds(atS) });
  const eventsOf = (check: Check) => database.db.prisma.siteEvent.findMany({ where: { checkId: check.id }, orderBy: { id: 'asc' } });
  const notificationsOf = (site: Site) => database.db.prisma.notification.findMany({ where: { siteId: site.id }, orderBy: { id: 'asc' } });
  const statusOf = async (check: Check) => (await database.db.prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status;

  it('waits for the first ping: a new heartbeat is parked, never failed', async () => {
    const { check } = await seedHeartbeat(database.db.prisma);
    expect(await sweep(10)).toEqual({ failed: 0 });
    const state = await database.db.prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
    expect(state.nextDueAt.getUTCFullYear()).toBe(9999);
    expect(await database.db.prisma.checkResult.count({ where: { checkId: check.id } })).toBe(0);
  });

  it('fails a late heartbeat once, opens down directly with one alert, and recovers on the next success with one alert', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedHeartbeat(prisma);
    await ping(prisma, check, site.id, 'success', 0);
    await evaluate(1);
    expect(await statusOf(check)).toBe('up');

    // On time: period + grace not yet over. Quiet is not unknown either (interval_s = period + grace).
    expect(await sweep(89)).toEqual({ failed: 0 });
    expect(await sweepFreshness(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(89) })).toEqual({ checks: 0, opened: 0 });

    // Late: exactly one failed result, whatever the number of sweeps (and evaluators) after it.
    expect(await sweep(91)).toEqual({ failed: 1 });
    expect(await sweep(92)).toEqual({ failed: 0 });
    // A second sweep that finds the row due again (two evaluators, a retry) stores nothing more.
    await prisma.locationState.updateMany({ where: { checkId: check.id }, data: { nextDueAt: seconds(90) } });
    expect(await sweep(93)).toEqual({ failed: 0 });
    const failed = await prisma.checkResult.findMany({ where: { checkId: check.id, ok: false } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ location: HEARTBEAT_LOCATION, errorCode: 'late', runId: lateRunId(check.uuid, seconds(90)) });
    expect(failed[0].checkedAt.toISOString()).toBe(seconds(90).toISOString());

    await evaluate(94);
    const [down] = await eventsOf(check);
    expect(down).toMatchObject({ eventType: 'down', severity: 'high', endedAt: null });
    expect(down.startedAt.toISOString()).toBe(seconds(90).toISOString());
    const transitions = await prisma.eventTransition.findMany({ where: { eventId: down.id } });
    expect(transitions.map((t) => t.stateAfter)).toEqual(['down']);
    expect((await notificationsOf(site)).map((n) => n.kind)).toEqual(['outage_confirmed']);
    expect(await statusOf(check)).toBe('down');

    // Still down long after: no second failure, no unknown.
    expect(await sweep(10_000)).toEqual({ failed: 0 });
    expect(await sweepFreshness(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(10_000) })).toEqual({ checks: 0, opened: 0 });

    await ping(prisma, check, site.id, 'success', 10_001);
    await evaluate(10_002);
    const [closed] = await eventsOf(check);
    expect(closed).toMatchObject({ eventType: 'down', resolutionReason: 'recovered' });
    expect((await notificationsOf(site)).map((n) => n.kind)).toEqual(['outage_confirmed', 'outage_recovered']);
    expect(await statusOf(check)).toBe('up');
  });

  it('fails a job that started and did not end within grace as run_too_long', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedHeartbeat(prisma);
    await ping(prisma, check, site.id, 'success', 0);
    await ping(prisma, check, site.id, 'start', 20);
    await evaluate(21);
    expect(await sweep(49)).toEqual({ failed: 0 });
    expect(await sweep(51)).toEqual({ failed: 1 });
    const [failed] = await prisma.checkResult.findMany({ where: { checkId: check.id, ok: false } });
    expect(failed).toMatchObject({ errorCode: 'run_too_long' });
    await evaluate(52);
    expect((await eventsOf(check)).map((e) => e.eventType)).toEqual(['down']);
  });

  it('judges the deadline again when only made due (spec changed, re-enabled): moves it when it is ahead', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedHeartbeat(prisma);
    await ping(prisma, check, site.id, 'success', 100);
    await prisma.locationState.updateMany({ where: { checkId: check.id }, data: { nextDueAt: seconds(101) } });
    expect(await sweep(102)).toEqual({ failed: 0 });
    const state = await prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } });
    expect(state.nextDueAt.toISOString()).toBe(seconds(190).toISOString());
  });

  it('stores nothing in read-only mode', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedHeartbeat(prisma);
    await ping(prisma, check, site.id, 'success', 0);
    expect(await sweep(500, true)).toEqual({ failed: 0 });
    expect(await prisma.checkResult.count({ where: { checkId: check.id, ok: false } })).toBe(0);
    expect((await prisma.locationState.findFirstOrThrow({ where: { checkId: check.id } })).nextDueAt.toISOString()).toBe(seconds(90).toISOString());
  });
});
