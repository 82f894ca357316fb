import { createSiteWithCheck, createTestDatabase, type TestDatabase, testDatabaseKinds } from './testing';

// PostgreSQL: partial unique indexes, triggers and foreign keys as the server enforces them.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('database-enforced invariants on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  const openEvent = (siteId: number, checkId: number | null, eventType: 'seems_down' | 'down' | 'cert_expiring') =>
    t.db.prisma.siteEvent.create({
      data: { siteId, checkId, eventType, severity: eventType === 'down' ? 'high' : 'low', startedAt: new Date() },
    });

  it('reject a second open event of the same kind for one check', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    await openEvent(site.id, check.id, 'seems_down');
    await expect(openEvent(site.id, check.id, 'seems_down')).rejects.toThrow(/site_events_one_open_per_check_kind|Unique/i);
  });

  it('treat seems_down and down as one kind, so an outage cannot be open twice', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    await openEvent(site.id, check.id, 'seems_down');
    await expect(openEvent(site.id, check.id, 'down')).rejects.toThrow(/site_events_one_open_per_check_kind|Unique/i);
  });

  it('allow open events of different kinds on one check at once', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    await openEvent(site.id, check.id, 'down');
    await expect(openEvent(site.id, check.id, 'cert_expiring')).resolves.toMatchObject({ eventType: 'cert_expiring' });
  });

  it('allow a new event as soon as the previous one of that kind is closed', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const first = await openEvent(site.id, check.id, 'seems_down');
    await t.db.prisma.siteEvent.update({
      where: { id: first.id },
      data: { endedAt: new Date(), resolutionReason: 'false_alarm' },
    });
    await expect(openEvent(site.id, check.id, 'seems_down')).resolves.toMatchObject({ endedAt: null });
  });

  it('allow upgrading an open event in place but never moving its started_at', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const event = await openEvent(site.id, check.id, 'seems_down');
    const upgraded = await t.db.prisma.siteEvent.update({
      where: { id: event.id },
      data: { eventType: 'down', severity: 'high' },
    });
    expect(upgraded.startedAt).toEqual(event.startedAt);
    await expect(
      t.db.prisma.siteEvent.update({ where: { id: event.id }, data: { startedAt: new Date(0) } }),
    ).rejects.toThrow(/started_at cannot change/);
  });

  it('refuse any update of a closed event', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const event = await openEvent(site.id, check.id, 'down');
    await t.db.prisma.siteEvent.update({ where: { id: event.id }, data: { endedAt: new Date(), resolutionReason: 'recovered' } });
    await expect(
      t.db.prisma.siteEvent.update({ where: { id: event.id }, data: { metadata: { note: 'rewritten' } } }),
    ).rejects.toThrow(/is closed and cannot be changed/);
    await expect(
      t.db.prisma.siteEvent.update({ where: { id: event.id }, data: { endedAt: null, resolutionReason: null } }),
    ).rejects.toThrow(/is closed and cannot be changed/);
  });

  it('refuse closing an event without a resolution reason', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const event = await openEvent(site.id, check.id, 'seems_down');
    await expect(t.db.prisma.siteEvent.update({ where: { id: event.id }, data: { endedAt: new Date() } })).rejects.toThrow(
      /site_events_closed_has_reason|check constraint/i,
    );
  });

  it('refuse a cause that is not an existing event', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    await expect(
      t.db.prisma.siteEvent.create({
        data: { siteId: site.id, checkId: check.id, eventType: 'down', severity: 'high', startedAt: new Date(), causeEventId: 999_999_999n },
      }),
    ).rejects.toThrow(/foreign key|cause_event_id/i);
  });

  it('refuse deleting an event or an audit row directly', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const event = await openEvent(site.id, check.id, 'seems_down');
    await t.db.prisma.eventTransition.create({
      data: { eventId: event.id, siteId: site.id, stateAfter: 'seems_down', severityAfter: 'low', reason: 'opened', source: 'system' },
    });
    await expect(t.db.prisma.siteEvent.delete({ where: { id: event.id } })).rejects.toThrow(/deleted only with their site/);
    await expect(t.db.prisma.eventTransition.deleteMany({ where: { eventId: event.id } })).rejects.toThrow(
      /deleted only with their site/,
    );
  });

  it('keep the audit append-only', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const event = await openEvent(site.id, check.id, 'seems_down');
    const row = await t.db.prisma.eventTransition.create({
      data: { eventId: event.id, siteId: site.id, stateAfter: 'seems_down', severityAfter: 'low', reason: 'opened', source: 'system' },
    });
    await expect(t.db.prisma.eventTransition.update({ where: { id: row.id }, data: { reason: 'manual' } })).rejects.toThrow(
      /append-only/,
    );
  });

  it('refuse to update, delete or truncate audit_log rows (the management audit log)', async () => {
    const row = await t.db.prisma.auditLog.create({
      data: { keyName: 'ops', method: 'DELETE', route: '/api/v1/sites/:id', resourceType: 'site', resourceId: 'x', status: 204 },
    });
    await expect(t.db.prisma.auditLog.update({ where: { id: row.id }, data: { status: 500 } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.auditLog.delete({ where: { id: row.id } })).rejects.toThrow(/never deleted/);
    await expect(t.db.prisma.$executeRawUnsafe('DELETE FROM audit_log')).rejects.toThrow(/never deleted/);
    await expect(t.db.prisma.$executeRawUnsafe('TRUNCATE audit_log')).rejects.toThrow(/never deleted/);
    await expect(t.db.prisma.auditLog.findUnique({ where: { id: row.id } })).resolves.toMatchObject({ status: 204, keyName: 'ops' });
  });

  it('delete a site with its endpoints, checks, events, closed ones included, and their audit', async () => {
    const { site, check } = await createSiteWithCheck(t.db.prisma);
    const closed = await openEvent(site.id, check.id, 'seems_down');
    await t.db.prisma.siteEvent.update({ where: { id: closed.id }, data: { endedAt: new Date(), resolutionReason: 'false_alarm' } });
    const open = await openEvent(site.id, check.id, 'down');
    await t.db.prisma.siteEvent.update({ where: { id: open.id }, data: { causeEventId: closed.id } });
    await t.db.prisma.eventTransition.create({
      data: { eventId: open.id, siteId: site.id, stateAfter: 'down', severityAfter: 'high', reason: 'opened', source: 'system' },
    });
    await t.db.prisma.site.delete({ where: { id: site.id } });
    expect(await t.db.prisma.siteEvent.count({ where: { siteId: site.id } })).toBe(0);
    expect(await t.db.prisma.eventTransition.count({ where: { siteId: site.id } })).toBe(0);
    expect(await t.db.prisma.check.count({ where: { id: check.id } })).toBe(0);
  });

  it('refuse a maintenance window that ends before it starts', async () => {
    const { site } = await createSiteWithCheck(t.db.prisma);
    await expect(
      t.db.prisma.maintenanceWindow.create({
        data: { siteId: site.id, startsAt: new Date('2030-01-02'), endsAt: new Date('2030-01-01') },
      }),
    ).rejects.toThrow(/maintenance_windows_ends_after_start|check constraint/i);
  });

  it('refuse a recurring maintenance window missing its zone or with a duration of zero', async () => {
    const { site } = await createSiteWithCheck(t.db.prisma);
    const window = { siteId: site.id, startsAt: new Date('2030-01-01'), endsAt: new Date('2030-01-02'), rrule: 'FREQ=DAILY;COUNT=1' };
    await expect(t.db.prisma.maintenanceWindow.create({ data: { ...window, durationS: 60 } })).rejects.toThrow(
      /maintenance_windows_recurrence_whole|check constraint/i,
    );
    await expect(t.db.prisma.maintenanceWindow.create({ data: { ...window, timezone: 'UTC', durationS: 0 } })).rejects.toThrow(
      /maintenance_windows_recurrence_whole|check constraint/i,
    );
    await expect(t.db.prisma.maintenanceWindow.create({ data: { ...window, timezone: 'UTC', durationS: 60 } })).resolves.toMatchObject({ durationS: 60 });
  });
  it('refuse a one-off maintenance window without an end, and keep an open-ended series without one', async () => {
    const { site } = await createSiteWithCheck(t.db.prisma);
    await expect(t.db.prisma.maintenanceWindow.create({ data: { siteId: site.id, startsAt: new Date('2030-01-01'), endsAt: null } })).rejects.toThrow(
      /maintenance_windows_one_off_ends|check constraint/i,
    );
    const forever = { siteId: site.id, startsAt: new Date('2030-01-01'), endsAt: null, rrule: 'FREQ=WEEKLY', timezone: 'UTC', durationS: 60 };
    await expect(t.db.prisma.maintenanceWindow.create({ data: forever })).resolves.toMatchObject({ endsAt: null });
  });
});
