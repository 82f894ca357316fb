import { randomUUID } from 'node:crypto';
import type { Check, VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { freshForMs } from '@vigil/quorum';
import { closeRetiredChecks } from './close-retired';
import { evaluatePending } from './evaluate-pending';
import { sweepFreshness } from './freshness-sweep';
import { sweepRunners } from './runner-offline';
import { insertResults, LOCATIONS, round, seedCheck } from './testing/seed';

const T0 = Date.parse('2026-12-04T12:00:00.000Z');
const seconds = (n: number) => new Date(T0 + n * 1000);

async function insertInconclusive(prisma: VigilPrisma, check: Check, siteId: number, atSeconds: number): Promise<void> {
  await prisma.checkResult.createMany({
    data: LOCATIONS.map((location, i) => ({
      checkId: check.id,
      siteId,
      runId: randomUUID(),
      location,
      ok: false,
      inconclusive: true,
      errorCode: 'EGRESS_DENIED',
      error: 'egress policy refused the target',
      checkedAt: seconds(atSeconds + i),
    })),
  });
}

describe.each(testDatabaseKinds())('unknown: a first-class verdict, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  const log = createCapturedLogger();
  const evaluate = () => evaluatePending(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(1000) });
  const sweep = (atSeconds: number, readOnly = false) =>
    sweepFreshness(database.db, { maxChecks: 50, readOnly, logger: log.logger, now: () => seconds(atSeconds) });

  it('turns a check unknown when two of three locations stop reporting, opens the spell caused by the runner_offline, and closes it on fresh results', async () => {
    const { prisma } = database.db;
    await prisma.runner.create({ data: { slug: 'eu-1', name: 'eu-1', publicKey: 'k1', keyId: 'kid-eu-1', lastSeenAt: seconds(0) } });
    await prisma.runner.create({ data: { slug: 'ap-1', name: 'ap-1', publicKey: 'k3', keyId: 'kid-ap-1', lastSeenAt: seconds(120) } });
    const { site, check } = await seedCheck(prisma);
    const freshS = freshForMs(check) / 1000; // 2 × 60 s + 10 s + 10 s = 140 s
    expect(freshS).toBe(140);
    await insertResults(prisma, check, site.id, T0, [...round(0, true, true, true), ['ap-1', true, 120]]);
    await evaluate();
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('up');

    // Within the window (us-1 last reported at 1 s): nothing to do.
    expect(await sweep(freshS + 1)).toEqual({ checks: 0, opened: 0 });
    expect(await prisma.siteEvent.count({ where: { checkId: check.id } })).toBe(0);

    // eu-1's runner is offline; us-1 simply went silent.
    await sweepRunners(database.db, { readOnly: false, logger: log.logger, staleAfterMs: 60_000, now: () => seconds(freshS + 2) });
    const offline = await prisma.siteEvent.findFirstOrThrow({ where: { eventType: 'runner_offline', location: 'eu-1', endedAt: null } });

    // Read-only mode logs the spell it would open and writes nothing.
    expect(await sweep(freshS + 2, true)).toEqual({ checks: 1, opened: 0 });
    expect(log.lines().some((line) => line.includes('read-only: unknown spell open skipped'))).toBe(true);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('up');

    expect(await sweep(freshS + 2)).toEqual({ checks: 1, opened: 1 });
    const spell = await prisma.siteEvent.findFirstOrThrow({ where: { checkId: check.id }, include: { transitions: true } });
    expect(spell).toMatchObject({ eventType: 'unknown', severity: 'low', startedAt: seconds(freshS + 2), endedAt: null, causeEventId: offline.id });
    expect(spell.transitions.map((t) => [t.reason, t.source])).toEqual([['opened', 'system']]);
    expect(spell.transitions[0]?.metadata).toMatchObject({
      stale_locations: ['eu-1', 'us-1'],
      fresh_locations: ['ap-1'],
      inconclusive_locations: [],
      caused_by_runner_offline: 'eu-1',
    });
    expect(await prisma.notification.count({ where: { eventId: spell.id } })).toBe(0);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('unknown');
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('unknown');
    // Once unknown, the check is no candidate: the next sweep is one statement and changes nothing.
    expect(await sweep(freshS + 10)).toEqual({ checks: 0, opened: 0 });

    // Fresh conclusive results again: the spell closes as recovered, the check and its site are up.
    await insertResults(prisma, check, site.id, T0, round(300, true, true, true));
    await evaluate();
    const closed = await prisma.siteEvent.findUniqueOrThrow({ where: { id: spell.id }, include: { transitions: { orderBy: { id: 'asc' } } } });
    expect([closed.endedAt, closed.resolutionReason]).toEqual([seconds(301), 'recovered']);
    expect(closed.transitions.map((t) => t.reason)).toEqual(['opened', 'recovered']);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('up');
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('up');
  });

  it('never opens an outage for inconclusive results: all locations inconclusive-failing make the check unknown, with a spell and no strike', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, T0, round(0, true, true, true));
    await evaluate();
    await insertInconclusive(prisma, check, site.id, 60);
    await insertInconclusive(prisma, check, site.id, 120);
    await evaluate();

    const events = await prisma.siteEvent.findMany({ where: { checkId: check.id } });
    expect(events.map((e) => [e.eventType, e.endedAt])).toEqual([['unknown', null]]);
    const states = await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } });
    expect(states.map((s) => [s.location, s.failingStrikes, s.passingStrikes, s.resolved, s.lastOk, s.lastInconclusive])).toEqual([
      ['ap-1', 0, 1, true, false, true],
      ['eu-1', 0, 1, true, false, true],
      ['us-1', 0, 1, true, false, true],
    ]);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('unknown');
    expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('unknown');

    // Disabling the check closes its spell like any other event.
    await prisma.check.update({ where: { id: check.id }, data: { enabled: false } });
    await closeRetiredChecks(database.db, { maxChecks: 10, readOnly: false, logger: log.logger, now: () => seconds(200) });
    const [spell] = await prisma.siteEvent.findMany({ where: { checkId: check.id } });
    expect([spell?.endedAt, spell?.resolutionReason]).toEqual([seconds(200), 'check_disabled']);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('paused');
  });

  it('opens no unknown spell during an occurrence of a recurring window, and opens it between occurrences', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, T0, round(0, true, true, true));
    await evaluate();
    // Hourly from 100 s for 100 s: [100, 200), [3700, 3800). Every location is stale from 143 s.
    await prisma.maintenanceWindow.create({
      data: { siteId: site.id, checkId: check.id, startsAt: seconds(100), endsAt: seconds(3800), rrule: 'FREQ=HOURLY;COUNT=2', timezone: 'UTC', durationS: 100 },
    });
    expect((await sweep(150)).opened).toBe(0);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('up');
    // The series spans 300 s, but no occurrence covers it.
    expect((await sweep(300)).opened).toBe(1);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('unknown');
  });

  it('reads an open-ended series (no ends_at) too: no spell in its occurrence, one between them', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, T0, round(0, true, true, true));
    await evaluate();
    // Hourly from 100 s for 100 s, forever.
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: seconds(100), endsAt: null, rrule: 'FREQ=HOURLY', timezone: 'UTC', durationS: 100 } });
    expect((await sweep(150)).opened).toBe(0);
    expect((await sweep(300)).opened).toBe(1);
  });
});
