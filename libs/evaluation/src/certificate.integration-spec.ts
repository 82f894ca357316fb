import { randomUUID } from 'node:crypto';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { evaluatePending } from './evaluate-pending';
import { LOCATIONS, seedCheck } from './testing/seed';

const DAY = 86_400_000;
const START = Date.parse('2026-11-23T10:00:00.000Z');

describe.each(testDatabaseKinds())('a tls_cert check on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('opens cert_expiring within 30 days, raises it in place within 7, closes it when the certificate is renewed, and never makes the site down', async () => {
    const { prisma } = database.db;
    const { site, check } = await seedCheck(prisma);
    await prisma.check.update({ where: { id: check.id }, data: { type: 'tls_cert' } });
    const channel = await prisma.notificationChannel.create({ data: { name: 'certs', type: 'email', siteIds: [site.id] } });
    const { logger } = createCapturedLogger();

    /** Every location reports at `day` a certificate expiring `daysLeft` days later. */
    const observe = async (day: number, daysLeft: number, ok = true) => {
      const checkedAt = START + day * DAY;
      await prisma.checkResult.createMany({
        data: LOCATIONS.map((location, i) => ({
          checkId: check.id,
          siteId: site.id,
          runId: randomUUID(),
          location,
          ok,
          checkedAt: new Date(checkedAt + i * 1000),
          details: { days_remaining: daysLeft, valid_to: new Date(checkedAt + daysLeft * DAY).toISOString(), issuer: 'Test CA' },
        })),
      });
      await evaluatePending(database.db, { maxChecks: 10, readOnly: false, logger });
      const current = await prisma.check.findUniqueOrThrow({ where: { id: check.id } });
      const siteNow = await prisma.site.findUniqueOrThrow({ where: { id: site.id } });
      return { check: current.status, site: siteNow.status };
    };

    expect(await observe(0, 45)).toEqual({ check: 'up', site: 'up' });
    expect(await observe(1, 20)).toEqual({ check: 'warning', site: 'warning' });
    // Failing the probe (fewer days than its min_days) does not make a certificate an outage.
    expect(await observe(2, 5, false)).toEqual({ check: 'degraded', site: 'degraded' });
    expect(await observe(3, 90)).toEqual({ check: 'up', site: 'up' });

    const events = await prisma.siteEvent.findMany({ where: { checkId: check.id }, include: { transitions: { orderBy: { id: 'asc' } } } });
    expect(events).toHaveLength(1);
    const [event] = events;
    expect([event?.eventType, event?.severity, event?.startedAt, event?.resolutionReason]).toEqual([
      'cert_expiring',
      'elevated',
      new Date(START + DAY),
      'recovered',
    ]);
    expect(event?.transitions.map((t) => [t.reason, t.severityBefore, t.severityAfter])).toEqual([
      ['opened', null, 'warning'],
      ['severity_changed', 'warning', 'elevated'],
      ['recovered', 'elevated', 'elevated'],
    ]);
    const kinds = (await prisma.notification.findMany({ where: { channelId: channel.id }, orderBy: { id: 'asc' } })).map((n) => n.kind);
    expect(kinds).toEqual(['cert_expiring_soon', 'cert_expiring_soon', 'cert_renewed']);
  });
});
