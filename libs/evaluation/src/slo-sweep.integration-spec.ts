import { randomUUID } from 'node:crypto';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import type { VigilPrisma } from '@vigil/db';
import { createCapturedLogger } from '@vigil/logger/testing';
import { sweepSlo } from './slo-sweep';

const T0 = new Date('2026-12-05T12:00:00.000Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const DAY = 1440 * MIN;

/** A site with one check created 40 days before T0, and an optional objective. */
async function seedSite(prisma: VigilPrisma, slo: { target: number | null; windowDays?: number }) {
  const slug = `slo-${randomUUID().slice(0, 8)}`;
  const since = new Date(T0.getTime() - 40 * DAY);
  const site = await prisma.site.create({ data: { name: slug, slug, status: 'up', lastStatusChangeAt: since, sloTargetPct: slo.target, sloWindowDays: slo.windowDays ?? 30 } });
  const endpoint = await prisma.endpoint.create({ data: { siteId: site.id, target: `https://${slug}.example/` } });
  const check = await prisma.check.create({ data: { endpointId: endpoint.id, type: 'http', createdAt: since } });
  return { site, check };
}

/** A confirmed outage from `start` to `end` (minutes from T0; null: still down). */
async function seedDown(prisma: VigilPrisma, siteId: number, checkId: number, start: number, end: number | null) {
  return prisma.siteEvent.create({
    data: {
      siteId,
      checkId,
      checkType: 'http',
      eventType: 'down',
      severity: 'high',
      startedAt: at(start),
      endedAt: end === null ? null : at(end),
      resolutionReason: end === null ? null : 'recovered',
    },
  });
}

describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the SLO burn-rate job, on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  const sweep = (minutes: number, readOnly = false) => sweepSlo(database.db, { readOnly, logger: createCapturedLogger().logger, now: () => at(minutes) });
  const burnsOf = (siteId: number) => database.db.prisma.siteEvent.findMany({ where: { siteId, eventType: 'slo_burn' }, include: { transitions: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } });

  it('fires exactly one slo_burn for a fast burn, holds it while a short window burns, and ends it once', async () => {
    const { prisma } = database.db;
    const channel = await prisma.notificationChannel.create({ data: { name: 'on-call', type: 'webhook' } });
    const { site, check } = await seedSite(prisma, { target: 99.9 });
    const quiet = await seedSite(prisma, { target: null });

    expect(await sweep(0)).toEqual({ opened: 0, closed: 0, changed: 0 });

    // Down for the last 10 minutes, still down: the 1 h and the 5 min burn far above 14.4.
    const outage = await seedDown(prisma, site.id, check.id, -10, null);
    await seedDown(prisma, quiet.site.id, quiet.check.id, -10, null);
    expect(await sweep(0, true)).toEqual({ opened: 0, closed: 0, changed: 0 });
    expect(await burnsOf(site.id)).toEqual([]);

    expect(await sweep(0)).toEqual({ opened: 1, closed: 0, changed: 0 });
    const [opened] = await burnsOf(site.id);
    expect(opened).toMatchObject({ eventType: 'slo_burn', severity: 'elevated', startedAt: at(0), endedAt: null, checkId: null, location: null });
    expect(opened?.metadata).toMatchObject({ rule: 'fast', threshold: 14.4, long_window_s: 3600, short_window_s: 300, target_pct: 99.9, window_days: 30 });
    expect(opened?.transitions.map((t) => [t.reason, t.source])).toEqual([['opened', 'system']]);
    // No objective, no alert, however down the site is.
    expect(await burnsOf(quiet.site.id)).toEqual([]);

    // Idempotent: the same minute again, the next minutes while it burns.
    expect(await sweep(0)).toEqual({ opened: 0, closed: 0, changed: 0 });
    expect(await sweep(1)).toEqual({ opened: 0, closed: 0, changed: 0 });

    // Recovered at +5: the 5-min window is calm from +10, but the 30-min window still holds 15 minutes
    // of downtime (burn 500 over 6): the alert stays open (hysteresis) until it has calmed too.
    await prisma.siteEvent.update({ where: { id: outage.id }, data: { endedAt: at(5), resolutionReason: 'recovered' } });
    expect(await sweep(11)).toEqual({ opened: 0, closed: 0, changed: 0 });
    expect(await sweep(34)).toEqual({ opened: 0, closed: 0, changed: 0 });
    expect(await sweep(36)).toEqual({ opened: 0, closed: 1, changed: 0 });
    expect(await sweep(37)).toEqual({ opened: 0, closed: 0, changed: 0 });

    const [closed] = await burnsOf(site.id);
    expect(closed).toMatchObject({ endedAt: at(36), resolutionReason: 'recovered' });
    expect(closed?.transitions.map((t) => t.reason)).toEqual(['opened', 'recovered']);
    expect(closed?.transitions[1]?.metadata).toMatchObject({ rule: null, budget_remaining_fraction: expect.any(Number) });
    const notifications = await prisma.notification.findMany({ where: { channelId: channel.id, siteId: site.id }, orderBy: { id: 'asc' } });
    expect(notifications.map((n) => n.kind)).toEqual(['slo_burn', 'slo_burn_ended']);
    expect(await prisma.notification.count({ where: { siteId: quiet.site.id } })).toBe(0);
  });

  it('does not alert on a slow burn under the thresholds', async () => {
    const { prisma } = database.db;
    // 30 s down every 10 minutes for three days against 99 %: burn 5 over every window of 30 min or more.
    const { site, check } = await seedSite(prisma, { target: 99 });
    await prisma.siteEvent.createMany({
      data: Array.from({ length: 432 }, (_, i) => ({
        siteId: site.id,
        checkId: check.id,
        checkType: 'http' as const,
        eventType: 'down' as const,
        severity: 'high' as const,
        startedAt: at(-10 * (i + 1)),
        endedAt: new Date(at(-10 * (i + 1)).getTime() + 30_000),
        resolutionReason: 'recovered' as const,
      })),
    });
    for (const minutes of [0, 1, 2, 3]) await sweep(minutes);
    expect(await burnsOf(site.id)).toEqual([]);
  });

  it('opens one event when two evaluators sweep at once, and the database refuses a second open one', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedSite(prisma, { target: 99.5, windowDays: 7 });
    await seedDown(prisma, site.id, check.id, 100, null);
    const results = await Promise.all([sweep(120), sweep(120)]);
    expect(results.map((r) => r.opened).sort()).toEqual([0, 1]);
    expect(await burnsOf(site.id)).toHaveLength(1);
    await expect(
      prisma.siteEvent.create({ data: { siteId: site.id, eventType: 'slo_burn', severity: 'warning', startedAt: at(121) } }),
    ).rejects.toThrow();
  });

  it('closes a burn as manual, and says so, once its site loses the objective', async () => {
    const { prisma } = database.db;
    const channel = await prisma.notificationChannel.create({ data: { name: 'only this', type: 'webhook' } });
    const { site, check } = await seedSite(prisma, { target: 99.9 });
    await prisma.notificationChannel.update({ where: { id: channel.id }, data: { siteIds: [site.id] } });
    await seedDown(prisma, site.id, check.id, 190, null);
    expect((await sweep(200)).opened).toBeGreaterThanOrEqual(1);
    await prisma.site.update({ where: { id: site.id }, data: { sloTargetPct: null } });
    expect((await sweep(201)).closed).toBeGreaterThanOrEqual(1);
    const [event] = await burnsOf(site.id);
    expect(event).toMatchObject({ resolutionReason: 'manual', endedAt: at(201) });
    const kinds = (await prisma.notification.findMany({ where: { channelId: channel.id }, orderBy: { id: 'asc' } })).map((n) => n.kind);
    expect(kinds).toEqual(['slo_burn', 'slo_burn_ended']);
  });
});
