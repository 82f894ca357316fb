import { randomUUID } from 'node:crypto';
import type { Check, Site, VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { replayTransitions, type TransitionRecord } from '@vigil/lifecycle';
import { createLogger } from '@vigil/logger';
import { PassThrough } from 'node:stream';
import { evaluatePending } from './evaluate-pending';
import { LOCATIONS, seedCheck } from './testing/seed';

/*
 * The degraded state end to end through the evaluator (issue 17): results stored as ingest
 * stores them, with `degraded: true` on slow passes (the runner's side makes them), evaluated on
 * the embedded database and on PostgreSQL. The seeded check: 3 locations, a location turns
 * failing (or degraded) after 2 results in a row, 2 locations make the quorum.
 */

const START = Date.parse('2026-12-05T10:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000);

type Outcome = 'ok' | 'slow' | 'fail';

/** One round: eu-1, us-1, ap-1 report at `seconds` +0, +1, +2 s. */
async function round(prisma: VigilPrisma, check: Check, siteId: number, seconds: number, outcomes: readonly [Outcome, Outcome, Outcome]): Promise<void> {
  await prisma.checkResult.createMany({
    data: LOCATIONS.map((location, i) => ({
      checkId: check.id,
      siteId,
      runId: randomUUID(),
      location,
      ok: outcomes[i] !== 'fail',
      degraded: outcomes[i] === 'slow',
      statusCode: outcomes[i] === 'fail' ? 503 : 200,
      latencyMs: outcomes[i] === 'slow' ? 4_000 : 80,
      errorCode: outcomes[i] === 'fail' ? 'unexpected_status' : null,
      checkedAt: at(seconds + i),
    })),
  });
}

const recordOf = (t: { stateBefore: string | null; stateAfter: string; severityBefore: string | null; severityAfter: string; reason: string; at: Date }) =>
  ({ stateBefore: t.stateBefore, stateAfter: t.stateAfter, severityBefore: t.severityBefore, severityAfter: t.severityAfter, reason: t.reason, at: t.at.getTime() }) as TransitionRecord;

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the degraded state on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  const evaluate = () => {
    const stream = new PassThrough();
    stream.resume();
    return evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger: createLogger({ service: 'evaluator-test', stream, level: 'debug' }) });
  };

  async function seeded() {
    const { site, check } = await seedCheck(prisma);
    const told = await prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', siteIds: [site.id] } });
    const quiet = await prisma.notificationChannel.create({ data: { name: 'outages only', type: 'webhook', siteIds: [site.id], notifyOnDegraded: false } });
    await round(prisma, check, site.id, 0, ['ok', 'ok', 'ok']);
    await evaluate();
    return { site, check, told, quiet };
  }

  const statusOf = async (site: Site, check: Check) => ({
    check: (await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status,
    site: (await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status,
  });
  const eventsOf = (check: Check) => prisma.siteEvent.findMany({ where: { checkId: check.id }, orderBy: { id: 'asc' } });
  const transitionsOf = (check: Check) => prisma.eventTransition.findMany({ where: { event: { checkId: check.id } }, orderBy: { id: 'asc' } });
  const outboxOf = async (site: Site) =>
    (await prisma.notification.findMany({ where: { siteId: site.id }, orderBy: { id: 'asc' } })).map((n) => [n.kind, n.channelId]);

  /** Every event replays from its transitions to what its row says (invariant 10). */
  async function expectReplayable(check: Check): Promise<void> {
    const transitions = await transitionsOf(check);
    for (const event of await eventsOf(check)) {
      const replayed = replayTransitions(transitions.filter((t) => t.eventId === event.id).map(recordOf));
      expect(replayed).toEqual({
        type: event.eventType,
        severity: event.severity,
        startedAt: event.startedAt.getTime(),
        endedAt: event.endedAt?.getTime() ?? null,
        resolutionReason: event.resolutionReason,
      });
    }
  }

  it('opens a degraded event when 2 of 3 locations are slow, with one notification to the channels that want it, and recovers', async () => {
    const { site, check, told } = await seeded();
    await round(prisma, check, site.id, 60, ['slow', 'slow', 'ok']);
    await evaluate();
    // One slow result per location is no degradation yet (failing_threshold 2 applies to slowness too).
    expect(await eventsOf(check)).toEqual([]);
    expect(await statusOf(site, check)).toEqual({ check: 'up', site: 'up' });

    await round(prisma, check, site.id, 120, ['slow', 'slow', 'ok']);
    await evaluate();
    const [opened] = await eventsOf(check);
    expect(opened).toMatchObject({ eventType: 'degraded', severity: 'warning', startedAt: at(121), endedAt: null });
    expect(opened.metadata).toMatchObject({ location: 'us-1', degraded_locations: ['eu-1', 'us-1'], latency_ms: 4_000 });
    expect(await statusOf(site, check)).toEqual({ check: 'degraded', site: 'degraded' });
    expect(await outboxOf(site)).toEqual([['degraded_opened', told.id]]);
    expect(await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' }, select: { location: true, degradedStrikes: true } })).toEqual([
      { location: 'ap-1', degradedStrikes: 0 },
      { location: 'eu-1', degradedStrikes: 2 },
      { location: 'us-1', degradedStrikes: 2 },
    ]);

    // Still slow: nothing new. Then fast again: one clean pass of eu-1 breaks the quorum of 2.
    await round(prisma, check, site.id, 180, ['slow', 'slow', 'slow']);
    await evaluate();
    await round(prisma, check, site.id, 240, ['ok', 'ok', 'ok']);
    await evaluate();
    const events = await eventsOf(check);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: opened.id, eventType: 'degraded', endedAt: at(240), resolutionReason: 'recovered' });
    expect(await statusOf(site, check)).toEqual({ check: 'up', site: 'up' });
    expect(await outboxOf(site)).toEqual([
      ['degraded_opened', told.id],
      ['degraded_recovered', told.id],
    ]);
    expect((await transitionsOf(check)).map((t) => t.reason)).toEqual(['opened', 'recovered']);
    await expectReplayable(check);
  });

  it('does not open anything for a single slow location of 3', async () => {
    const { site, check } = await seeded();
    for (let s = 60; s <= 300; s += 60) await round(prisma, check, site.id, s, ['slow', 'ok', 'ok']);
    await evaluate();
    expect(await eventsOf(check)).toEqual([]);
    expect(await statusOf(site, check)).toEqual({ check: 'up', site: 'up' });
    expect(await outboxOf(site)).toEqual([]);
  });

  it('upgrades a degraded event in place to seems_down and down when the check fails, then recovers to slow as a new degraded event', async () => {
    const { site, check, told } = await seeded();
    await round(prisma, check, site.id, 60, ['slow', 'slow', 'ok']);
    await round(prisma, check, site.id, 120, ['slow', 'slow', 'ok']);
    await evaluate();
    const [opened] = await eventsOf(check);

    await round(prisma, check, site.id, 180, ['fail', 'fail', 'ok']);
    await evaluate();
    expect(await eventsOf(check)).toMatchObject([{ id: opened.id, eventType: 'seems_down', severity: 'warning', startedAt: at(121), endedAt: null }]);
    expect(await statusOf(site, check)).toEqual({ check: 'seems_down', site: 'seems_down' });

    await round(prisma, check, site.id, 240, ['fail', 'fail', 'ok']);
    await evaluate();
    expect(await eventsOf(check)).toMatchObject([{ id: opened.id, eventType: 'down', severity: 'high', startedAt: at(121), endedAt: null }]);
    expect(await statusOf(site, check)).toEqual({ check: 'down', site: 'down' });

    // Passing again, but slowly: the outage recovers, and once two locations are slow twice, a new degraded event opens.
    await round(prisma, check, site.id, 300, ['slow', 'slow', 'ok']);
    await round(prisma, check, site.id, 360, ['slow', 'slow', 'ok']);
    await evaluate();
    const events = await eventsOf(check);
    expect(events).toMatchObject([
      { id: opened.id, eventType: 'down', startedAt: at(121), endedAt: at(300), resolutionReason: 'recovered' },
      { eventType: 'degraded', severity: 'warning', startedAt: at(361), endedAt: null },
    ]);
    expect(await statusOf(site, check)).toEqual({ check: 'degraded', site: 'degraded' });
    expect((await transitionsOf(check)).map((t) => [t.eventId, t.reason, t.stateBefore, t.stateAfter, t.at])).toEqual([
      [opened.id, 'opened', null, 'degraded', at(121)],
      [opened.id, 'worsened', 'degraded', 'seems_down', at(180)],
      [opened.id, 'confirmed', 'seems_down', 'down', at(241)],
      [opened.id, 'recovered', 'down', 'down', at(300)],
      [events[1].id, 'opened', null, 'degraded', at(361)],
    ]);
    expect(await outboxOf(site)).toEqual([
      ['degraded_opened', told.id],
      ['outage_confirmed', told.id],
      // The channel that opted out of degraded alerts still hears of the outage.
      ['outage_confirmed', told.id + 1],
      ['outage_recovered', told.id],
      ['outage_recovered', told.id + 1],
      ['degraded_opened', told.id],
    ]);
    await expectReplayable(check);
  });

  it('closes a down event that recovers to slow and opens the degraded event on the same result, one transaction', async () => {
    const { site, check, told } = await seeded();
    // One location confirms and one slow result makes a location degraded: the same result can do both.
    await prisma.check.update({ where: { id: check.id }, data: { failingThreshold: 1, failingLocationsThreshold: '1' } });
    await round(prisma, check, site.id, 60, ['fail', 'ok', 'ok']);
    await evaluate();
    expect(await eventsOf(check)).toMatchObject([{ eventType: 'down', endedAt: null }]);

    await round(prisma, check, site.id, 120, ['slow', 'ok', 'ok']);
    await evaluate();
    const events = await eventsOf(check);
    expect(events).toMatchObject([
      { eventType: 'down', endedAt: at(120), resolutionReason: 'recovered' },
      { eventType: 'degraded', startedAt: at(120), endedAt: null },
    ]);
    expect(await statusOf(site, check)).toEqual({ check: 'degraded', site: 'degraded' });
    expect((await outboxOf(site)).slice(-2)).toEqual([
      ['outage_recovered', told.id + 1],
      ['degraded_opened', told.id],
    ]);
    await expectReplayable(check);
  });

  it('closes an open degraded event for maintenance, silently, and opens none during it', async () => {
    const { site, check } = await seeded();
    await round(prisma, check, site.id, 60, ['slow', 'slow', 'ok']);
    await round(prisma, check, site.id, 120, ['slow', 'slow', 'ok']);
    await evaluate();
    const before = await outboxOf(site);
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: at(150), endsAt: at(600), reason: 'upgrade' } });
    await round(prisma, check, site.id, 180, ['slow', 'slow', 'slow']);
    await round(prisma, check, site.id, 240, ['slow', 'slow', 'slow']);
    await evaluate();
    expect(await eventsOf(check)).toMatchObject([{ eventType: 'degraded', endedAt: at(180), resolutionReason: 'maintenance' }]);
    expect(await statusOf(site, check)).toEqual({ check: 'maintenance', site: 'maintenance' });
    expect(await outboxOf(site)).toEqual(before);
    await expectReplayable(check);
  });

  it('keeps one open outage-family event per check in the database: degraded shares the key of seems_down and down', async () => {
    const { site, check } = await seeded();
    const open = (eventType: 'degraded' | 'seems_down' | 'down') =>
      prisma.siteEvent.create({ data: { siteId: site.id, checkId: check.id, eventType, severity: 'warning', startedAt: at(10) } });
    await open('degraded');
    await expect(open('seems_down')).rejects.toThrow(/site_events_one_open_per_check_kind|Unique/i);
    await expect(open('down')).rejects.toThrow(/site_events_one_open_per_check_kind|Unique/i);
    await expect(open('degraded')).rejects.toThrow(/site_events_one_open_per_check_kind|Unique/i);
  });
});
