import { randomUUID } from 'node:crypto';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import type { VigilPrisma } from '@vigil/db';
import { loadChecks } from './load-check';
import { CHANNEL_FIELDS, CHECK_FIELDS, RESULT_FIELDS, STATE_FIELDS } from './load-rows';
import { insertResults, round, seedCheck } from './testing/seed';

const START = Date.parse('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000);

/** The fields of a row the evaluation reads (load-rows.ts): what it loads must equal these of Prisma's row. */
const pick =
  (fields: readonly string[]) =>
  (row: object): Record<string, unknown> =>
    Object.fromEntries(fields.map((f) => [f, (row as Record<string, unknown>)[f]]));

// The batch is read in one raw statement as JSON: what comes out must be the rows Prisma's own
// reads give, field for field (bigints, timestamps, JSON, nulls, arrays), in their orders, for
// the fields the evaluation reads (no more: each is JSON to build and parse on every pass).
// PostgreSQL too: its JSON timestamps follow the session's time zone.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('loadChecks on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  const load = (ids: number[]) => prisma.$transaction((tx) => loadChecks(tx, ids));
  /** The check's results queued for evaluation (pending_results). */
  const queued = async (checkId: number) => (await prisma.pendingResult.findMany({ where: { checkId }, select: { resultId: true } })).map((q) => q.resultId);

  it('reads each check, its pending results, states, open events, channels and runner spells as Prisma does', async () => {
    const a = await seedCheck(prisma);
    const b = await seedCheck(prisma);
    const other = await seedCheck(prisma);
    await prisma.check.update({ where: { id: a.check.id }, data: { name: 'home', downIntervalS: 15, spec: { method: 'GET', headers: { x: '1' } }, lastCheckedAt: at(-60) } });
    // Out of order on purpose: results come back by checked_at then id, whatever the insert order.
    await insertResults(prisma, a.check, a.site.id, START, [...round(60, false, true, true), ...round(0, true, true, true)]);
    await insertResults(prisma, b.check, b.site.id, START, round(30, true, false, true));
    await prisma.checkResult.create({
      data: {
        checkId: a.check.id,
        siteId: a.site.id,
        runId: randomUUID(),
        location: 'eu-1',
        ok: false,
        inconclusive: true,
        timings: { dns: 1.5, tcp: 2 },
        details: { assertion: 'body contains "ok"', nested: [1, null, 'x'] },
        checkedAt: at(60),
      },
    });
    // Evaluated results and other checks' results are not pending for this batch.
    await insertResults(prisma, other.check, other.site.id, START, round(0, false, false, false));
    const evaluatedIds = (await prisma.checkResult.findMany({ where: { checkId: b.check.id, location: 'us-1' }, select: { id: true } })).map((r) => r.id);
    await prisma.pendingResult.deleteMany({ where: { resultId: { in: evaluatedIds } } });
    await prisma.locationState.updateMany({ where: { checkId: a.check.id, location: 'us-1' }, data: { failingStrikes: 1, resolved: false, lastResultAt: at(1), lastOk: false } });

    const down = await prisma.siteEvent.create({
      data: { siteId: a.site.id, checkId: a.check.id, endpointId: a.check.endpointId, checkType: 'http', eventType: 'down', severity: 'high', startedAt: at(-30), metadata: { n: 1 } },
    });
    const unknown = await prisma.siteEvent.create({
      data: { siteId: a.site.id, checkId: a.check.id, checkType: 'http', eventType: 'unknown', severity: 'warning', startedAt: at(-20), causeEventId: down.id },
    });
    // Closed: not open any more.
    await prisma.siteEvent.create({
      data: { siteId: b.site.id, checkId: b.check.id, eventType: 'seems_down', severity: 'warning', startedAt: at(-90), endedAt: at(-80), resolutionReason: 'false_alarm' },
    });

    const everywhere = await prisma.notificationChannel.create({ data: { name: 'all', type: 'webhook', config: { url: 'http://127.0.0.1/' } } });
    const forA = await prisma.notificationChannel.create({ data: { name: 'a', type: 'slack', siteIds: [a.site.id, 999_999], reminderMinutes: 30 } });
    await prisma.notificationChannel.create({ data: { name: 'other', type: 'slack', siteIds: [other.site.id] } });
    await prisma.notificationChannel.create({ data: { name: 'off', type: 'slack', enabled: false } });

    const runnersSite = await prisma.site.create({ data: { name: 'runners', slug: `runners-${randomUUID().slice(0, 8)}` } });
    const spell = (location: string, startedAt: Date, endedAt: Date | null, metadata: object) =>
      prisma.siteEvent.create({
        data: { siteId: runnersSite.id, location, eventType: 'runner_offline', severity: 'warning', startedAt, endedAt, resolutionReason: endedAt ? 'recovered' : null, metadata },
      });
    const open = await spell('us-1', at(-100), null, { last_seen_at: at(-110).toISOString() });
    const endedLate = await spell('eu-1', at(-100), at(10), { last_seen_at: 12 });
    await spell('ap-1', at(-300), at(-200), {});

    const contexts = await load([b.check.id, 424_242, a.check.id]);

    expect(contexts.map((c) => c.check.id)).toEqual([b.check.id, a.check.id]);
    const [ctxB, ctxA] = contexts;
    expect(ctxA.check).toEqual(pick(CHECK_FIELDS)(await prisma.check.findUniqueOrThrow({ where: { id: a.check.id } })));
    expect(ctxA.siteId).toBe(a.site.id);
    expect(ctxA.results).toEqual(
      (await prisma.checkResult.findMany({ where: { checkId: a.check.id, id: { in: await queued(a.check.id) } }, orderBy: [{ checkedAt: 'asc' }, { id: 'asc' }] })).map(pick(RESULT_FIELDS)),
    );
    expect(ctxA.results.map((r) => typeof r.id)).toEqual(Array(7).fill('bigint'));
    expect(ctxB.results).toEqual(
      (await prisma.checkResult.findMany({ where: { checkId: b.check.id, id: { in: await queued(b.check.id) } }, orderBy: [{ checkedAt: 'asc' }, { id: 'asc' }] })).map(pick(RESULT_FIELDS)),
    );
    expect(ctxB.results).toHaveLength(2);
    expect(ctxA.states).toEqual((await prisma.locationState.findMany({ where: { checkId: a.check.id }, orderBy: { location: 'asc' } })).map(pick(STATE_FIELDS)));
    expect(ctxA.openEvent).toEqual(down);
    expect(ctxA.openUnknown).toEqual(unknown);
    expect(ctxB.openEvent).toBeNull();
    expect(ctxA.channels).toEqual([everywhere, forA].map(pick(CHANNEL_FIELDS)));
    expect(ctxB.channels).toEqual([everywhere].map(pick(CHANNEL_FIELDS)));
    // A channel's config holds its secrets: the evaluator never reads it.
    expect(ctxA.channels[0]).not.toHaveProperty('config');
    expect(ctxA.windows).toEqual([]);
    expect(ctxA.runnersOffline).toEqual(
      new Map([
        ['us-1', [{ id: open.id, uuid: open.uuid, from: at(-110).getTime(), to: null }]],
        ['eu-1', [{ id: endedLate.id, uuid: endedLate.uuid, from: at(-100).getTime(), to: at(10).getTime() }]],
      ]),
    );
  });

  it('reads the windows overlapping the results of the site or the check, only where the sites have any', async () => {
    const { site, check } = await seedCheck(prisma);
    const { check: sibling } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, START, round(0, true, true, true));
    expect((await load([check.id]))[0].windows).toEqual([]);

    const window = (startsAt: Date, endsAt: Date, checkId: number | null = null) =>
      prisma.maintenanceWindow.create({ data: { siteId: site.id, checkId, startsAt, endsAt, reason: 'deploy' } });
    const whole = await window(at(-60), at(1));
    const own = await window(at(2), at(3), check.id);
    await window(at(-60), at(0)); // ended as the first result came
    await window(at(3), at(60)); // starts after the last
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, checkId: sibling.id, startsAt: at(-60), endsAt: at(60) } });

    const [ctx] = await load([check.id]);
    expect([...ctx.windows].sort((x, y) => x.id - y.id)).toEqual([whole, own]);
  });
});
