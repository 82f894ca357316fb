import { PassThrough } from 'node:stream';
import type { Check, Site, VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import { evaluatePending, type EvaluatePendingOptions } from './evaluate-pending';
import { insertResults, round, seedCheck } from './testing/seed';
import { SITE_CHECKED_RESOLUTION_S } from './write-plan';

const START = Date.parse('2026-11-23T10:00:00.000Z');
const at = (seconds: number) => new Date(START + seconds * 1000);

/** A real logger writing JSON lines to memory. */
function capturedLogger() {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ service: 'evaluator-test', stream, level: 'debug' }), lines };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

function options(extra: Partial<EvaluatePendingOptions> = {}) {
  const captured = capturedLogger();
  return { captured, options: { maxChecks: 100, readOnly: false, logger: captured.logger, ...extra } };
}

const transitionsOf = (prisma: VigilPrisma, checkId: number) =>
  prisma.eventTransition.findMany({ where: { event: { checkId } }, orderBy: { id: 'asc' } });

const eventsOf = (prisma: VigilPrisma, checkId: number) => prisma.siteEvent.findMany({ where: { checkId }, orderBy: { id: 'asc' } });

// PostgreSQL too: there a pass runs on a connection of the pool, not in Prisma's transaction.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('evaluatePending on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  const evaluate = (extra: Partial<EvaluatePendingOptions> = {}) => {
    const run = options(extra);
    return evaluatePending(database.db, run.options).then(async (counts) => {
      await flushed();
      return { counts, lines: run.captured.lines };
    });
  };

  async function channelsFor(site: Site) {
    const plain = await prisma.notificationChannel.create({ data: { name: 'ops', type: 'webhook', siteIds: [site.id] } });
    const eager = await prisma.notificationChannel.create({ data: { name: 'eager', type: 'slack', siteIds: [site.id], notifyOnSeemsDown: true } });
    return { plain, eager };
  }

  const statusOf = async (site: Site, check: Check) => ({
    check: (await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status,
    site: (await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status,
  });

  it('takes a 3-location check with quorum 2 from seems_down to down to recovered in one event', async () => {
    const { site, check } = await seedCheck(prisma);
    const { plain, eager } = await channelsFor(site);
    const everySite = await prisma.notificationChannel.create({ data: { name: 'all sites', type: 'webhook', siteIds: [] } });
    const otherSite = await seedCheck(prisma);
    await prisma.notificationChannel.create({ data: { name: 'elsewhere', type: 'webhook', siteIds: [otherSite.site.id] } });
    await prisma.notificationChannel.create({ data: { name: 'off', type: 'webhook', siteIds: [site.id], enabled: false } });

    // Healthy, then eu-1 and us-1 fail once each: suspects, not yet failing (threshold 2).
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true)]);
    const first = await evaluate();
    expect(first.counts).toEqual({ checks: 1, failed: 0, results: 6, transitions: 1 });
    const [opened] = await eventsOf(prisma, check.id);
    expect(opened).toMatchObject({ eventType: 'seems_down', severity: 'low', startedAt: at(60), endedAt: null, siteId: site.id, checkType: 'http' });
    expect(opened.metadata).toEqual({ location: 'eu-1', status_code: 503, error_code: 'unexpected_status', error: 'expected 2xx, got 503', failing_locations: [] });
    expect(await statusOf(site, check)).toEqual({ check: 'seems_down', site: 'seems_down' });
    expect(first.lines).toContainEqual(expect.objectContaining({ message: 'event opened', check: check.uuid, location: 'eu-1', inserted: true, event: opened.uuid }));
    expect(first.lines).toContainEqual(
      expect.objectContaining({ message: 'event not opened: one is already open', check: check.uuid, location: 'us-1', suppressed: 'already_open', event: opened.uuid }),
    );

    // Second failures: eu-1 then us-1 reach the threshold; the second failing location confirms.
    await insertResults(prisma, check, site.id, START, round(120, false, false, true));
    expect((await evaluate()).counts).toEqual({ checks: 1, failed: 0, results: 3, transitions: 1 });
    const [confirmed] = await eventsOf(prisma, check.id);
    expect(confirmed).toMatchObject({ id: opened.id, eventType: 'down', severity: 'high', startedAt: at(60), endedAt: null });
    expect(confirmed.metadata).toMatchObject({ location: 'us-1', failing_locations: ['eu-1', 'us-1'] });
    expect(await statusOf(site, check)).toEqual({ check: 'down', site: 'down' });

    // eu-1 passes once (passing threshold 1): one failing location is below the quorum of 2.
    await insertResults(prisma, check, site.id, START, round(180, true, true, true));
    expect((await evaluate()).counts).toEqual({ checks: 1, failed: 0, results: 3, transitions: 1 });
    const events = await eventsOf(prisma, check.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: opened.id, eventType: 'down', startedAt: at(60), endedAt: at(180), resolutionReason: 'recovered' });
    expect(await statusOf(site, check)).toEqual({ check: 'up', site: 'up' });
    const checkRow = await prisma.check.findUniqueOrThrow({ where: { id: check.id } });
    // The close at 180 s leaves us-1 failing (the check shows seems_down, the verdict); us-1's pass at 181 s makes it up.
    expect(checkRow).toMatchObject({ lastCheckedAt: at(182), lastStatusChangeAt: at(181) });

    const transitions = await transitionsOf(prisma, check.id);
    expect(transitions.map((t) => [t.eventId, t.reason, t.stateBefore, t.stateAfter, t.severityBefore, t.severityAfter, t.source, t.at])).toEqual([
      [opened.id, 'opened', null, 'seems_down', null, 'low', 'location:eu-1', at(60)],
      [opened.id, 'confirmed', 'seems_down', 'down', 'low', 'high', 'location:us-1', at(121)],
      [opened.id, 'recovered', 'down', 'down', 'high', 'high', 'location:eu-1', at(180)],
    ]);

    const outbox = await prisma.notification.findMany({ where: { siteId: site.id }, orderBy: [{ transitionId: 'asc' }, { channelId: 'asc' }] });
    expect(outbox.map((n) => [n.transitionId, n.channelId, n.kind, n.status, n.idempotencyKey])).toEqual([
      [transitions[0].id, eager.id, 'outage_suspected', 'pending', `${opened.uuid}:${transitions[0].id}:${eager.id}`],
      [transitions[1].id, plain.id, 'outage_confirmed', 'pending', `${opened.uuid}:${transitions[1].id}:${plain.id}`],
      [transitions[1].id, eager.id, 'outage_confirmed', 'pending', `${opened.uuid}:${transitions[1].id}:${eager.id}`],
      [transitions[1].id, everySite.id, 'outage_confirmed', 'pending', `${opened.uuid}:${transitions[1].id}:${everySite.id}`],
      [transitions[2].id, plain.id, 'outage_recovered', 'pending', `${opened.uuid}:${transitions[2].id}:${plain.id}`],
      [transitions[2].id, eager.id, 'outage_recovered', 'pending', `${opened.uuid}:${transitions[2].id}:${eager.id}`],
      [transitions[2].id, everySite.id, 'outage_recovered', 'pending', `${opened.uuid}:${transitions[2].id}:${everySite.id}`],
    ]);
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(0);
    expect(await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } })).toEqual([
      expect.objectContaining({ location: 'ap-1', failingStrikes: 0, passingStrikes: 4, resolved: true, lastResultAt: at(182), lastOk: true }),
      expect.objectContaining({ location: 'eu-1', failingStrikes: 0, passingStrikes: 1, resolved: true, lastResultAt: at(180), lastOk: true }),
      expect.objectContaining({ location: 'us-1', failingStrikes: 0, passingStrikes: 1, resolved: true, lastResultAt: at(181), lastOk: true }),
    ]);

    // Nothing is pending: evaluating again changes nothing.
    expect((await evaluate()).counts).toEqual({ checks: 0, failed: 0, results: 0, transitions: 0 });
    expect(await transitionsOf(prisma, check.id)).toHaveLength(3);
    await prisma.notificationChannel.update({ where: { id: everySite.id }, data: { enabled: false } });
  });

  it('closes a single-location blip as a false alarm and tells nobody', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    await prisma.notificationChannel.updateMany({ where: { siteIds: { has: site.id } }, data: { notifyOnSeemsDown: false } });
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, true, true), ...round(120, true, true, true)]);

    expect((await evaluate()).counts).toEqual({ checks: 1, failed: 0, results: 9, transitions: 2 });
    const events = await eventsOf(prisma, check.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'seems_down', startedAt: at(60), endedAt: at(120), resolutionReason: 'false_alarm' });
    expect((await transitionsOf(prisma, check.id)).map((t) => t.reason)).toEqual(['opened', 'false_alarm']);
    expect(await prisma.notification.count({ where: { siteId: site.id } })).toBe(0);
    expect(await statusOf(site, check)).toEqual({ check: 'up', site: 'up' });
  });

  it('opens nothing and notifies nobody while the site is in maintenance, and logs why', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: at(30), endsAt: at(3600), reason: 'deploy' } });
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true), ...round(120, false, false, true)]);

    const { counts, lines } = await evaluate();
    expect(counts).toEqual({ checks: 1, failed: 0, results: 9, transitions: 0 });
    expect(await eventsOf(prisma, check.id)).toEqual([]);
    expect(await prisma.notification.count({ where: { siteId: site.id } })).toBe(0);
    expect(await statusOf(site, check)).toEqual({ check: 'maintenance', site: 'maintenance' });
    // The quorum still counts: both locations are failing after their second failure.
    expect(await prisma.locationState.count({ where: { checkId: check.id, resolved: false } })).toBe(2);
    const suppressed = lines.filter((l) => l['suppressed'] === 'in_maintenance');
    // Every result evaluated while the verdict calls for an outage is logged, the passing ap-1's included.
    expect(suppressed.map((l) => [l['message'], l['check'], l['location']])).toEqual(
      ['eu-1', 'us-1', 'ap-1', 'eu-1', 'us-1', 'ap-1'].map((location) => ['event not opened: in maintenance', check.uuid, location]),
    );
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(0);
  });

  it('reads the windows as they are at each pass: a window ended early stops suppressing at its new end', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    const window = await prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: at(30), endsAt: at(3600), reason: 'deploy' } });
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true)]);
    expect((await evaluate()).counts.transitions).toBe(0);
    expect(await statusOf(site, check)).toEqual({ check: 'maintenance', site: 'maintenance' });

    // What PATCH /api/v1/maintenance-windows/:id writes: the same row, with the new end.
    await prisma.maintenanceWindow.update({ where: { id: window.id }, data: { endsAt: at(90) } });
    await insertResults(prisma, check, site.id, START, round(120, false, false, true));
    const { counts, lines } = await evaluate();
    expect(counts.transitions).toBeGreaterThan(0);
    expect(lines.filter((l) => l['suppressed'] === 'in_maintenance')).toEqual([]);
    const [opened] = await eventsOf(prisma, check.id);
    expect(opened).toMatchObject({ startedAt: at(120), endedAt: null });
    expect((await statusOf(site, check)).check).not.toBe('maintenance');
  });

  it('honours every occurrence of a recurring window and nothing between them', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    // Hourly from 30 s, 150 s each: [30, 180), [3630, 3780), [7230, 7380). ends_at: the series' end.
    await prisma.maintenanceWindow.create({
      data: { siteId: site.id, startsAt: at(30), endsAt: at(7380), rrule: 'FREQ=HOURLY;COUNT=3', timezone: 'Europe/Paris', durationS: 150 },
    });
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true), ...round(120, false, false, true)]);
    expect((await evaluate()).counts.transitions).toBe(0);
    expect(await statusOf(site, check)).toEqual({ check: 'maintenance', site: 'maintenance' });

    await insertResults(prisma, check, site.id, START, round(3660, false, false, true));
    const second = await evaluate();
    expect(second.counts.transitions).toBe(0);
    // After an hour's gap eu-1 alone is fresh at its result; from us-1's on the quorum sees an outage, held.
    expect(second.lines.filter((l) => l['suppressed'] === 'in_maintenance').map((l) => l['location'])).toEqual(['us-1', 'ap-1']);
    expect(await eventsOf(prisma, check.id)).toEqual([]);

    // Between occurrences: the outage the quorum sees is opened, in the one batch.
    await insertResults(prisma, check, site.id, START, [...round(3840, false, false, true), ...round(7260, false, false, true)]);
    const between = await evaluate();
    expect(between.counts.transitions).toBeGreaterThan(0);
    // Opened at us-1's failure (3841: eu-1 alone was fresh before); closed as maintenance by the
    // first result inside the third occurrence (7230-7380).
    const [opened] = await eventsOf(prisma, check.id);
    expect(opened).toMatchObject({ startedAt: at(3841), endedAt: at(7260), resolutionReason: 'maintenance' });
  });

  it('writes nothing in read-only mode, logs what it would have written, and leaves the results pending', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true), ...round(120, false, false, true)]);
    const snapshot = async () => ({
      events: await prisma.siteEvent.count(),
      transitions: await prisma.eventTransition.count(),
      notifications: await prisma.notification.count(),
      states: await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } }),
      check: await prisma.check.findUniqueOrThrow({ where: { id: check.id } }),
      site: await prisma.site.findUniqueOrThrow({ where: { id: site.id } }),
      pending: await prisma.pendingResult.count({ where: { checkId: check.id } }),
    });
    const before = await snapshot();

    const { counts, lines } = await evaluate({ readOnly: true });
    expect(counts).toEqual({ checks: 1, failed: 0, results: 9, transitions: 0 });
    expect(await snapshot()).toEqual(before);
    expect(before.pending).toBe(9);
    const wouldHave = lines.filter((l) => l['suppressed'] === 'read_only');
    expect(wouldHave.map((l) => [l['message'], l['location'], (l['would_have'] as Record<string, unknown>)['reason']])).toEqual([
      ['read-only: open skipped', 'eu-1', 'opened'],
      ['read-only: upgrade skipped', 'us-1', 'confirmed'],
    ]);
    const skippedWrites = lines.filter((l) => l['message'] === 'read-only: write skipped').map((l) => l['write']);
    expect(skippedWrites).toEqual(['location_states', 'location_states', 'location_states', 'checks.status', 'sites.status', 'pending_results']);
    expect(lines).toContainEqual(expect.objectContaining({ write: 'checks.status', status: 'down', check: check.uuid }));

    // Writes on again: the same results are evaluated for real.
    expect((await evaluate()).counts).toEqual({ checks: 1, failed: 0, results: 9, transitions: 2 });
    expect((await eventsOf(prisma, check.id)).map((e) => e.eventType)).toEqual(['down']);
  });

  it('writes all of a check or none of it: a refused outbox row rolls back its event, audit, strikes and marks, and others go on', async () => {
    const { site, check } = await seedCheck(prisma);
    await channelsFor(site);
    const healthy = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true), ...round(120, false, false, true)]);
    await insertResults(prisma, healthy.check, healthy.site.id, START, round(0, true, true, true));
    // The database refuses this site's notifications, as a full disk or a lost connection would fail the last write.
    await prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_notification() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_notification BEFORE INSERT ON notifications
      FOR EACH ROW WHEN (NEW.site_id = ${site.id}) EXECUTE FUNCTION refuse_notification()`);
    const statesBefore = await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } });

    const { counts, lines } = await evaluate();
    expect(counts).toEqual({ checks: 1, failed: 1, results: 3, transitions: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'check evaluation failed: nothing of it was written', check_id: check.id }));
    expect(await eventsOf(prisma, check.id)).toEqual([]);
    expect(await prisma.locationState.findMany({ where: { checkId: check.id }, orderBy: { location: 'asc' } })).toEqual(statesBefore);
    expect(await statusOf(site, check)).toEqual({ check: 'unknown', site: 'unknown' });
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(9);
    expect(await statusOf(healthy.site, healthy.check)).toEqual({ check: 'up', site: 'up' });

    await prisma.$executeRawUnsafe('DROP TRIGGER refuse_notification ON notifications');
    expect((await evaluate()).counts).toEqual({ checks: 1, failed: 0, results: 9, transitions: 2 });
    expect((await transitionsOf(prisma, check.id)).map((t) => t.reason)).toEqual(['opened', 'confirmed']);
  });

  it("moves a site's last check forward, never back, and keeps its status when no check changed status", async () => {
    const a = await seedCheck(prisma);
    await insertResults(prisma, a.check, a.site.id, START, round(0, true, true, true));
    await evaluate();
    expect(await statusOf(a.site, a.check)).toEqual({ check: 'up', site: 'up' });
    // A second check of the site, up as well: its results change no status.
    const endpoint = await prisma.endpoint.create({ data: { siteId: a.site.id, target: 'https://second.example/' } });
    const b = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', locations: ['eu-1'], failingThreshold: 2, intervalS: 60, status: 'up' } });
    await prisma.locationState.create({ data: { checkId: b.id, siteId: a.site.id, location: 'eu-1' } });
    await insertResults(prisma, b, a.site.id, START, [['eu-1', true, 30]]);
    await insertResults(prisma, a.check, a.site.id, START, round(60, true, true, true));
    await prisma.site.update({ where: { id: a.site.id }, data: { status: 'maintenance', lastStatusChangeAt: at(-1) } });

    const run = await evaluate();
    expect(run.counts).toEqual({ checks: 2, failed: 0, results: 4, transitions: 0 });
    const site = await prisma.site.findUniqueOrThrow({ where: { id: a.site.id } });
    expect(site).toMatchObject({ status: 'maintenance', lastCheckedAt: at(62), lastStatusChangeAt: at(-1) });

    // An older result (late from a spool) leaves the site's last check where it is.
    await insertResults(prisma, b, a.site.id, START, [['eu-1', true, 45]]);
    await evaluate();
    expect((await prisma.site.findUniqueOrThrow({ where: { id: a.site.id } })).lastCheckedAt).toEqual(at(62));
    expect((await prisma.check.findUniqueOrThrow({ where: { id: b.id } })).lastCheckedAt).toEqual(at(45));
  });

  it(`moves a site's last check only when it trails the new results by more than ${SITE_CHECKED_RESOLUTION_S} s`, async () => {
    const a = await seedCheck(prisma);
    const endpoint = await prisma.endpoint.create({ data: { siteId: a.site.id, target: 'https://often.example/' } });
    const b = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', locations: ['eu-1'], failingThreshold: 2, intervalS: 60, status: 'up' } });
    await prisma.locationState.create({ data: { checkId: b.id, siteId: a.site.id, location: 'eu-1' } });
    await insertResults(prisma, b, a.site.id, START, [['eu-1', true, 100]]);
    await evaluate();
    const siteChecked = async () => (await prisma.site.findUniqueOrThrow({ where: { id: a.site.id } })).lastCheckedAt;
    expect(await siteChecked()).toEqual(at(100));
    // Within the resolution: the check's row moves, the site's (shared with every check of it) does not.
    await insertResults(prisma, b, a.site.id, START, [['eu-1', true, 100 + SITE_CHECKED_RESOLUTION_S - 1]]);
    await evaluate();
    expect(await siteChecked()).toEqual(at(100));
    expect((await prisma.check.findUniqueOrThrow({ where: { id: b.id } })).lastCheckedAt).toEqual(at(100 + SITE_CHECKED_RESOLUTION_S - 1));
    // Beyond it, the site follows.
    await insertResults(prisma, b, a.site.id, START, [['eu-1', true, 100 + SITE_CHECKED_RESOLUTION_S + 1]]);
    await evaluate();
    expect(await siteChecked()).toEqual(at(100 + SITE_CHECKED_RESOLUTION_S + 1));
  });

  it('queues each stored result, and a deleted check takes its queued results along', async () => {
    const { site, check } = await seedCheck(prisma);
    await insertResults(prisma, check, site.id, START, round(0, true, true, true));
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(3);
    await prisma.$executeRaw`DELETE FROM checks WHERE id = ${check.id}`;
    expect(await prisma.pendingResult.count({ where: { checkId: check.id } })).toBe(0);
  });

  it('spends one transaction on a pass that finds fewer pending checks than a batch holds', async () => {
    await prisma.$executeRaw`DELETE FROM pending_results`;
    const seeded = [await seedCheck(prisma), await seedCheck(prisma)];
    for (const { site, check } of seeded) await insertResults(prisma, check, site.id, START, round(0, true, true, true));
    let transactions = 0;
    const counting = new Proxy(prisma, {
      get(target, key) {
        if (key !== '$transaction') return Reflect.get(target, key);
        return (...args: Parameters<VigilPrisma['$transaction']>) => {
          transactions++;
          return target.$transaction(...args);
        };
      },
    });

    const run = options();
    expect(await evaluatePending({ prisma: counting }, run.options)).toEqual({ checks: 2, failed: 0, results: 6, transitions: 0 });
    expect(transactions).toBe(1);
    expect(await prisma.pendingResult.count()).toBe(0);
  });
});

// PostgreSQL: two evaluators claiming checks concurrently (SKIP LOCKED).
if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('evaluatePending with two concurrent evaluators on postgres', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });
    afterAll(() => database.dispose());

    it('writes exactly the transitions one evaluator would, with no check evaluated twice', async () => {
      const prisma = database.db.prisma;
      const checks: Check[] = [];
      for (let i = 0; i < 12; i++) {
        const { site, check } = await seedCheck(prisma);
        await prisma.notificationChannel.create({ data: { name: `ops ${i}`, type: 'webhook', siteIds: [site.id] } });
        await insertResults(prisma, check, site.id, START, [
          ...round(0, true, true, true),
          ...round(60, false, false, true),
          ...round(120, false, false, true),
          ...round(180, true, true, true),
        ]);
        checks.push(check);
      }
      const a = options();
      const b = options();
      const [first, second] = await Promise.all([evaluatePending(database.db, a.options), evaluatePending(database.db, b.options)]);

      expect(first.checks + second.checks).toBe(12);
      expect(first.results + second.results).toBe(12 * 12);
      expect(first.transitions + second.transitions).toBe(12 * 3);
      for (const check of checks) {
        expect((await transitionsOf(prisma, check.id)).map((t) => t.reason)).toEqual(['opened', 'confirmed', 'recovered']);
        expect((await prisma.notification.findMany({ where: { event: { checkId: check.id } }, orderBy: { id: 'asc' } })).map((n) => n.kind)).toEqual([
          'outage_confirmed',
          'outage_recovered',
        ]);
      }
      expect(await prisma.pendingResult.count()).toBe(0);
    });

    it('evaluates and rolls up each result exactly once while results keep arriving, and empties the queue', async () => {
      const prisma = database.db.prisma;
      await prisma.$executeRaw`DELETE FROM pending_results`;
      const seeded = await Promise.all(Array.from({ length: 8 }, () => seedCheck(prisma)));
      const ids = seeded.map((s) => s.check.id);
      const ROUNDS = 6;
      let arriving = true;
      const evaluator = async () => {
        let results = 0;
        // Passes until the last round has arrived and nothing is left for this evaluator.
        for (;;) {
          const done = !arriving;
          const counts = await evaluatePending(database.db, { ...options().options, concurrency: 2, checksPerTransaction: 3 });
          expect(counts.failed).toBe(0);
          results += counts.results;
          if (done && counts.results === 0) return results;
        }
      };
      const ingest = async () => {
        for (let r = 0; r < ROUNDS; r++) {
          // Each round as one statement per check, while the evaluators are at work.
          await Promise.all(seeded.map(({ site, check }) => insertResults(prisma, check, site.id, START, round(60 * r, true, r % 2 === 0, true))));
        }
        arriving = false;
      };
      const [, first, second] = await Promise.all([ingest(), evaluator(), evaluator()]);

      const total = ids.length * ROUNDS * 3;
      expect(first + second).toBe(total);
      expect(await prisma.pendingResult.count({ where: { checkId: { in: ids } } })).toBe(0);
      // Rolled up once each: the hourly rollups count every stored result, no more.
      const rolled = await prisma.checkRollupHourly.aggregate({ where: { checkId: { in: ids } }, _sum: { count: true } });
      expect(rolled._sum.count).toBe(total);
    });

    it("runs its passes on the pool's connections, without Prisma's transaction", async () => {
      const prisma = database.db.prisma;
      await prisma.$executeRaw`DELETE FROM pending_results`;
      const { site, check } = await seedCheck(prisma);
      await prisma.notificationChannel.create({ data: { name: 'pool', type: 'webhook', siteIds: [site.id] } });
      await insertResults(prisma, check, site.id, START, [...round(0, true, true, true), ...round(60, false, false, true), ...round(120, false, false, true)]);
      const noTransactions = new Proxy(prisma, {
        get(target, key) {
          if (key === '$transaction') throw new Error('a pass on PostgreSQL must not open a Prisma transaction');
          return Reflect.get(target, key);
        },
      });

      const run = options();
      expect(await evaluatePending({ prisma: noTransactions, pool: database.db.pool }, run.options)).toEqual({ checks: 1, failed: 0, results: 9, transitions: 2 });
      await flushed();
      expect(run.captured.lines.filter((line) => line['level'] === 'error')).toEqual([]);
      // The event as the Prisma path writes it: ids read back as bigints, the outbox rows in the same transaction.
      const [event] = await eventsOf(prisma, check.id);
      expect(event).toMatchObject({ eventType: 'down', endedAt: null });
      expect(run.captured.lines).toContainEqual(expect.objectContaining({ message: 'event opened', event: event.uuid }));
      expect((await prisma.notification.findMany({ where: { eventId: event.id } })).map((n) => n.kind)).toEqual(['outage_confirmed']);
      expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('down');
      expect((await prisma.site.findUniqueOrThrow({ where: { id: site.id } })).status).toBe('down');
    });

    // Workers share the call's budget: each reserved its share before awaiting, so none claims
    // past maxChecks, nor asks for a negative number of rows once the others have taken theirs.
    it('claims at most maxChecks per call under concurrent workers, over several batches, and never a negative limit', async () => {
      const prisma = database.db.prisma;
      await prisma.$executeRaw`DELETE FROM pending_results`;
      const seeded: Check[] = [];
      for (let i = 0; i < 700; i++) {
        const { site, check } = await seedCheck(prisma);
        await insertResults(prisma, check, site.id, START, round(0, true, true, true));
        seeded.push(check);
      }
      const maxChecks = 450;
      const calls: Awaited<ReturnType<typeof evaluatePending>>[] = [];
      const errors: unknown[] = [];
      while ((await prisma.pendingResult.count()) > 0 && calls.length < 10) {
        const run = options({ maxChecks, concurrency: 4 });
        calls.push(await evaluatePending(database.db, run.options));
        await flushed();
        errors.push(...run.captured.lines.filter((line) => line['level'] === 'error'));
      }

      expect(errors).toEqual([]);
      expect(calls.map((c) => c.checks).every((n) => n > 0 && n <= maxChecks)).toBe(true);
      // The first call takes more than one batch (200 checks) and stops at its budget.
      expect(calls[0].checks).toBeGreaterThan(200);
      expect(calls.reduce((n, c) => n + c.checks, 0)).toBe(seeded.length);
      expect(calls.reduce((n, c) => n + c.results, 0)).toBe(seeded.length * 3);
      expect(calls.reduce((n, c) => n + c.failed, 0)).toBe(0);
    });
  });
}
