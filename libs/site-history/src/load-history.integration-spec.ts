import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { computeUptime } from '@vigil/uptime';
import { loadSiteHistory } from './load-history';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const H = 3_600_000;
const ago = (hours: number) => new Date(NOW.getTime() - hours * H);

describe.each(testDatabaseKinds())('loadSiteHistory on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('counts confirmed outages, leaves out false alarms, site maintenance and unknown spells', async () => {
    const { prisma } = database.db;
    const site = await prisma.site.create({ data: { name: 'shop', slug: 'shop-history', status: 'up', lastStatusChangeAt: ago(1) } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://shop.example/' } });
    const check = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', createdAt: ago(100) } });
    const event = (eventType: 'down' | 'seems_down' | 'unknown', start: number, end: number | null) =>
      prisma.siteEvent.create({
        data: {
          siteId: site.id,
          checkId: check.id,
          checkType: 'http',
          eventType,
          severity: eventType === 'down' ? 'high' : 'low',
          startedAt: ago(start),
          endedAt: end === null ? null : ago(end),
          resolutionReason: end === null ? null : eventType === 'seems_down' ? 'false_alarm' : 'recovered',
        },
      });
    await event('down', 10, 8); // 2 h down
    await event('seems_down', 7, 6.5); // a false alarm: not downtime
    await event('unknown', 5, 4); // 1 h nobody could tell
    await event('down', 0.5, null); // ongoing: 30 min
    await event('down', 200, 199); // before the window: not loaded
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: ago(3), endsAt: ago(2) } });
    // A check's own maintenance does not count for the site (its outages never opened).
    await prisma.maintenanceWindow.create({ data: { siteId: site.id, checkId: check.id, startsAt: ago(20), endsAt: ago(19) } });

    const history = await loadSiteHistory(prisma, site.id, ago(24), NOW);
    expect(history?.monitoredSince).toBe(ago(100).getTime());
    const figures = computeUptime(history?.intervals ?? [], { from: ago(24).getTime(), to: NOW.getTime() }, history?.monitoredSince ?? null);
    expect(figures).toMatchObject({ downMs: 2.5 * H, maintenanceMs: H, unknownMs: H, monitoredMs: 22 * H });
  });

  it('leaves out a site’s current paused spell, and says null for a site that does not exist', async () => {
    const { prisma } = database.db;
    const site = await prisma.site.create({ data: { name: 'paused', slug: 'paused-history', status: 'paused', lastStatusChangeAt: ago(6) } });
    const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: 'https://paused.example/' } });
    await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', createdAt: ago(48) } });
    const history = await loadSiteHistory(prisma, site.id, ago(24), NOW);
    const figures = computeUptime(history?.intervals ?? [], { from: ago(24).getTime(), to: NOW.getTime() }, history?.monitoredSince ?? null);
    expect(figures).toMatchObject({ downMs: 0, unknownMs: 6 * H, monitoredMs: 18 * H });
    expect(await loadSiteHistory(prisma, 999_999, ago(24), NOW)).toBeNull();
  });
});
