import type { VigilPrisma } from '@vigil/db';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createLogger } from '@vigil/logger';
import { PassThrough } from 'node:stream';
import { evaluatePending } from './evaluate-pending';
import { insertResults, round, seedCheck } from './testing/seed';

// Monday 23 November 2026, 10:00Z: 11:00 in Paris (winter time).
const START = Date.parse('2026-11-23T10:00:00.000Z');
// Every Monday 11:00-12:00 Paris time, forever, from a Monday three years before.
const FOREVER = { startsAt: new Date('2023-11-20T10:00:00.000Z'), endsAt: null, rrule: 'FREQ=WEEKLY;BYDAY=MO', timezone: 'Europe/Paris', durationS: 3600 };

/**
 * The evaluator's read of windows with an open-ended series (no `ends_at`): its overlap query
 * keeps NULL ends, on PostgreSQL as on PGlite, and a check's own window holds only that check.
 */
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('evaluation with open-ended and per-check maintenance on %s', (kind) => {
  let database: TestDatabase;
  let prisma: VigilPrisma;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    prisma = database.db.prisma;
  });
  afterAll(() => database.dispose());

  const evaluate = async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
    });
    const logger = createLogger({ service: 'evaluator-test', stream, level: 'debug' });
    const counts = await evaluatePending(database.db, { maxChecks: 100, readOnly: false, logger });
    await new Promise((resolve) => setImmediate(resolve));
    return { counts, suppressed: lines.filter((l) => l['suppressed'] === 'in_maintenance').length };
  };
  const outages = (checkId: number) => prisma.siteEvent.findMany({ where: { checkId, eventType: { in: ['seems_down', 'down'] } } });
  const failing = (from: number) => [...round(from, true, true, true), ...round(from + 60, false, false, true), ...round(from + 120, false, false, true)];

  it('holds an outage in the Monday occurrence of a weekly series started three years ago, and opens it on the Tuesday', async () => {
    const { site, check } = await seedCheck(prisma);
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, ...FOREVER } });
    await insertResults(prisma, check, site.id, START, failing(0));
    const monday = await evaluate();
    expect([monday.counts.transitions, monday.suppressed]).toEqual([0, 6]);
    expect(await outages(check.id)).toEqual([]);
    expect((await prisma.check.findUniqueOrThrow({ where: { id: check.id } })).status).toBe('maintenance');

    // Tuesday at the same hour: no occurrence, the outage opens.
    await insertResults(prisma, check, site.id, START + 86_400_000, failing(0));
    const tuesday = await evaluate();
    expect([tuesday.counts.transitions > 0, tuesday.suppressed]).toEqual([true, 0]);
    expect((await outages(check.id)).length).toBeGreaterThan(0);
  });

  it("holds a check in its own window, open-ended too, and not the site's other check", async () => {
    const { site, check } = await seedCheck(prisma);
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://other.example/' } });
    const other = await prisma.check.create({
      data: { endpointId: endpoint.id, type: 'http', locations: ['eu-1', 'us-1', 'ap-1'], failingThreshold: 2, passingThreshold: 1, failingLocationsThreshold: '2', intervalS: 60 },
    });
    await prisma.locationState.createMany({ data: ['eu-1', 'us-1', 'ap-1'].map((location) => ({ checkId: other.id, siteId: site.id, location })) });
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, checkId: check.id, ...FOREVER } });
    await insertResults(prisma, check, site.id, START, failing(0));
    await insertResults(prisma, other, site.id, START, failing(0));
    const run = await evaluate();
    expect(run.suppressed).toBe(6);
    expect(await outages(check.id)).toEqual([]);
    expect((await outages(other.id)).length).toBeGreaterThan(0);
  });
});
