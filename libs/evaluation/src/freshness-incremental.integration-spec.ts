import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { freshForMs } from '@vigil/quorum';
import { evaluatePending } from './evaluate-pending';
import { FRESHNESS_WINDOW_MARGIN_MS, freshnessSweeper, sweepFreshness } from './freshness-sweep';
import { insertResults, round, seedCheck } from './testing/seed';
import { FRESH_UNTIL_KEPT_AHEAD_MS } from './write-plan';

const T0 = Date.parse('2026-12-04T12:00:00.000Z');
const seconds = (n: number) => new Date(T0 + n * 1000);
const HOUR_MS = 3_600_000;

// On PostgreSQL too: the window is read through the index on fresh_until, as its planner picks it.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the incremental freshness sweep on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  const log = createCapturedLogger();
  const options = (atSeconds: number, maxChecks = 50) => ({ maxChecks, readOnly: false, logger: log.logger, now: () => seconds(atSeconds) });
  const evaluate = () => evaluatePending(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(1000) });
  const statusOf = async (id: number) => (await database.db.prisma.check.findUniqueOrThrow({ where: { id } })).status;

  /** A check whose three locations reported once, at 0, 1 and 2 s (fresh for 140 s: stale from 141, 142 and 143 s). */
  async function reportedOnce() {
    const { prisma } = database.db;
    const seeded = await seedCheck(prisma);
    await insertResults(prisma, seeded.check, seeded.site.id, T0, round(0, true, true, true));
    await evaluate();
    expect(await statusOf(seeded.check.id)).toBe('up');
    return seeded;
  }

  it('stores fresh_until with every result evaluated: the result plus freshForMs', async () => {
    const { check } = await reportedOnce();
    const states = await database.db.prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } });
    const freshS = freshForMs(check) / 1000;
    expect(states.map((s) => [s.location, s.freshUntil])).toEqual([
      ['ap-1', seconds(2 + freshS)],
      ['eu-1', seconds(0 + freshS)],
      ['us-1', seconds(1 + freshS)],
    ]);
    // Settles it for the tests below: each starts from checks that are all unknown.
    await sweepFreshness(database.db, options(1000));
  });

  const freshUntils = async (checkId: number) =>
    (await database.db.prisma.locationState.findMany({ where: { checkId }, orderBy: { location: 'asc' } })).map((s) => [s.location, s.freshUntil]);

  /** A check reported at 0 s and 60 s, each round evaluated just after it came (its evaluation clock). */
  async function reportedTwice() {
    const { prisma } = database.db;
    const seeded = await seedCheck(prisma);
    const evaluateAt = (n: number) => evaluatePending(database.db, { maxChecks: 50, readOnly: false, logger: log.logger, now: () => seconds(n) });
    await insertResults(prisma, seeded.check, seeded.site.id, T0, round(0, true, true, true));
    await evaluateAt(3);
    await insertResults(prisma, seeded.check, seeded.site.id, T0, round(60, true, true, true));
    await evaluateAt(63);
    return { ...seeded, evaluateAt };
  }

  it('leaves a fresh_until still more than FRESH_UNTIL_KEPT_AHEAD_MS ahead as it is (a lower bound), and moves it once it comes near', async () => {
    const { prisma } = database.db;
    const { site, check, evaluateAt } = await reportedTwice();
    // Fresh until 200..202 s by the second round; the first round's 140..142 s is kept: no indexed column changed.
    expect(await freshUntils(check.id)).toEqual([
      ['ap-1', seconds(142)],
      ['eu-1', seconds(140)],
      ['us-1', seconds(141)],
    ]);
    expect(140_000 - 63_000).toBeGreaterThanOrEqual(FRESH_UNTIL_KEPT_AHEAD_MS);
    await insertResults(prisma, check, site.id, T0, round(120, true, true, true));
    await evaluateAt(123);
    expect(await freshUntils(check.id)).toEqual([
      ['ap-1', seconds(262)],
      ['eu-1', seconds(260)],
      ['us-1', seconds(261)],
    ]);
    await sweepFreshness(database.db, options(1000));
  });

  it('moves a lagging fresh_until to the exact instant when the window reaches it, so that the location going silent is still seen', async () => {
    const { check } = await reportedTwice();
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100))).toMatchObject({ checks: 0, full: true });
    // 140..142 s are in the window; the states are fresh until 200..202 s: moved there, nothing turned.
    expect(await sweep(database.db, options(145))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await freshUntils(check.id)).toEqual([
      ['ap-1', seconds(202)],
      ['eu-1', seconds(200)],
      ['us-1', seconds(201)],
    ]);
    expect(await sweep(database.db, options(180))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await statusOf(check.id)).toBe('up');
    // Silent since 62 s: stale from 203 s, seen by the incremental pass (its window no longer reaches 142 s).
    expect(await sweep(database.db, options(205))).toEqual({ checks: 1, opened: 1, full: false });
    expect(await statusOf(check.id)).toBe('unknown');
  });

  it('turns a check unknown in an incremental pass once its locations go silent, not waiting for the full pass', async () => {
    const { check } = await reportedOnce();
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100))).toEqual({ checks: 0, opened: 0, full: true });
    // All three fresh: nothing in the window.
    expect(await sweep(database.db, options(140))).toEqual({ checks: 0, opened: 0, full: false });
    // eu-1 went stale after 140 s: two of three fresh still make the quorum.
    expect(await sweep(database.db, options(141))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await statusOf(check.id)).toBe('up');
    // us-1 too: the check is unknown, by the incremental pass.
    expect(await sweep(database.db, options(145))).toEqual({ checks: 1, opened: 1, full: false });
    expect(await statusOf(check.id)).toBe('unknown');
  });

  /**
   * A check reported once, after a full pass at 100 s, whose states are stale by last_result_at
   * but carry a fresh_until far ahead: the incremental pass at 300 s does not read it at all.
   */
  async function staleWithFreshUntilAhead() {
    const { check } = await reportedOnce();
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100))).toMatchObject({ full: true });
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { freshUntil: seconds(10_000) } });
    expect(await sweep(database.db, options(300))).toEqual({ checks: 0, opened: 0, full: false });
    return { check, sweep };
  }

  it('reads in an incremental pass only the checks a state of which crossed fresh_until in its window; the full pass reads them all', async () => {
    const { prisma } = database.db;
    const { check, sweep } = await staleWithFreshUntilAhead();
    expect(await statusOf(check.id)).toBe('up');
    // A fresh_until that fell before the window (the previous pass, less the margin) is not read again either.
    await prisma.locationState.updateMany({ where: { checkId: check.id }, data: { freshUntil: new Date(seconds(300).getTime() - FRESHNESS_WINDOW_MARGIN_MS - 1) } });
    expect(await sweep(database.db, options(310))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await statusOf(check.id)).toBe('up');
    // The periodic full pass reads every check by the rule itself, whatever fresh_until says.
    expect(await sweep(database.db, options(100 + HOUR_MS / 1000))).toEqual({ checks: 1, opened: 1, full: true });
    expect(await statusOf(check.id)).toBe('unknown');
  });

  it('reads a state written stale late (its fresh_until already past) within the margin', async () => {
    const { prisma } = database.db;
    const { check, sweep } = await staleWithFreshUntilAhead();
    // As an evaluation committing a late result leaves it: a fresh_until before the previous pass, within the margin.
    await prisma.locationState.updateMany({ where: { checkId: check.id }, data: { freshUntil: new Date(seconds(300).getTime() - FRESHNESS_WINDOW_MARGIN_MS + 1000) } });
    expect(await sweep(database.db, options(305))).toEqual({ checks: 1, opened: 1, full: false });
  });

  it('reads again by id the checks a pass cut short at maxChecks left', async () => {
    const first = await reportedOnce();
    const second = await reportedOnce();
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100, 1))).toMatchObject({ checks: 0, full: true });
    expect(await sweep(database.db, options(145, 1))).toEqual({ checks: 1, opened: 1, full: false });
    // Long after the crossing and its margin: the check left over is read all the same.
    expect(await sweep(database.db, options(145 + 2 * (FRESHNESS_WINDOW_MARGIN_MS / 1000), 1))).toEqual({ checks: 1, opened: 1, full: false });
    expect([await statusOf(first.check.id), await statusOf(second.check.id)]).toEqual(['unknown', 'unknown']);
  });

  it('turns unknown, once its maintenance ends, a check whose locations went silent during it', async () => {
    const { prisma } = database.db;
    const { site, check } = await reportedOnce();
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, checkId: check.id, startsAt: seconds(100), endsAt: seconds(400) } });
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100))).toMatchObject({ checks: 0, full: true });
    // Stale from 143 s, in maintenance: nothing changes, and the check is read again every pass.
    expect(await sweep(database.db, options(145))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await sweep(database.db, options(300))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await statusOf(check.id)).toBe('up');
    // The crossing is long out of the window; the maintenance is over.
    expect(await sweep(database.db, options(405))).toEqual({ checks: 1, opened: 1, full: false });
    expect(await statusOf(check.id)).toBe('unknown');
  });

  it('makes the pass after a clock that went back a full one', async () => {
    const { check } = await reportedOnce();
    const sweep = freshnessSweeper(HOUR_MS);
    expect(await sweep(database.db, options(100))).toMatchObject({ full: true });
    expect(await sweep(database.db, options(120))).toMatchObject({ full: false });
    // Back before the previous pass: the window would miss what crosses meanwhile.
    await database.db.prisma.locationState.updateMany({ where: { checkId: check.id }, data: { freshUntil: seconds(10_000) } });
    expect(await sweep(database.db, options(200))).toEqual({ checks: 0, opened: 0, full: false });
    expect(await sweep(database.db, options(150))).toEqual({ checks: 1, opened: 1, full: true });
  });
});
