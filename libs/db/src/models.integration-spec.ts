import { createTestDatabase, type TestDatabase, testDatabaseKinds } from './testing';

// PostgreSQL: every column type through the pg driver adapter, as services read and write them.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the generated client on %s', (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.dispose());

  it('writes and reads every model, with snake_case names in the database', async () => {
    const p = t.db.prisma;
    const site = await p.site.create({ data: { name: 'Example', slug: 'example' } });
    expect(site.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(site.status).toBe('unknown');
    const endpoint = await p.endpoint.create({ data: { siteId: site.id, target: 'https://example.com/' } });
    const check = await p.check.create({
      data: {
        endpointId: endpoint.id,
        type: 'http',
        spec: { method: 'GET', expected_statuses: ['200-299'] },
        locations: ['us-1', 'eu-1', '@controller'],
        failingLocationsThreshold: '66%',
      },
    });
    expect(check).toMatchObject({ intervalS: 60, failingThreshold: 2, passingThreshold: 1, enabled: true });
    const runner = await p.runner.create({ data: { slug: 'us-1', name: 'US East', publicKey: 'PEM', keyId: 'thumbprint' } });
    const state = await p.locationState.create({ data: { checkId: check.id, siteId: site.id, location: runner.slug } });
    const result = await p.checkResult.create({
      data: {
        checkId: check.id,
        siteId: site.id,
        runId: '5f0c6a52-2a4e-4d7c-9a39-7f0b0f8b3b7e',
        location: 'us-1',
        ok: false,
        statusCode: 503,
        latencyMs: 120,
        timings: { dns: 1, tcp: 2, tls: 3, first_byte: 100, download: 14 },
        errorCode: 'HTTP_STATUS',
        checkedAt: new Date(),
      },
    });
    const event = await p.siteEvent.create({
      data: {
        siteId: site.id,
        endpointId: endpoint.id,
        checkId: check.id,
        checkType: 'http',
        eventType: 'seems_down',
        severity: 'low',
        startedAt: result.checkedAt,
        metadata: { failing_locations: ['us-1'] },
      },
    });
    const transition = await p.eventTransition.create({
      data: { eventId: event.id, siteId: site.id, stateAfter: 'seems_down', severityAfter: 'low', reason: 'opened', source: 'location:us-1' },
    });
    const window = await p.maintenanceWindow.create({
      data: { siteId: site.id, checkId: check.id, startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000), reason: 'deploy' },
    });
    const channel = await p.notificationChannel.create({
      data: { name: 'ops', type: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, siteIds: [site.id] },
    });
    const notification = await p.notification.create({
      data: {
        siteId: site.id,
        eventId: event.id,
        transitionId: transition.id,
        channelId: channel.id,
        kind: 'outage_suspected',
        idempotencyKey: `${event.uuid}:${transition.id}`,
      },
    });
    await p.notificationAttempt.create({ data: { notificationId: notification.id, ok: false, statusCode: 500, error: 'boom' } });
    await p.apiKey.create({ data: { name: 'admin', prefix: 'vk_abc123', hash: 'f'.repeat(64), scopes: ['read', 'write', 'admin'] } });

    const loaded = await p.site.findUniqueOrThrow({
      where: { id: site.id },
      include: {
        endpoints: { include: { checks: { include: { locationStates: true, results: true } } } },
        events: { include: { transitions: true, notifications: { include: { attempts: true, channel: true } } } },
        maintenanceWindows: true,
      },
    });
    expect(loaded.endpoints[0].checks[0].locationStates[0].uuid).toBe(state.uuid);
    expect(loaded.endpoints[0].checks[0].results[0].runId).toBe(result.runId);
    expect(loaded.events[0].transitions[0].reason).toBe('opened');
    expect(loaded.events[0].notifications[0].attempts[0].statusCode).toBe(500);
    expect(loaded.maintenanceWindows[0].id).toBe(window.id);
    expect(await p.apiKey.count()).toBe(1);
    // The one row of the daily rollups' fold boundary, as the migration made it: nothing to fold yet.
    const [fold] = await p.rollupFold.findMany();
    expect(fold.foldedUntil).toEqual(fold.foldingTo);
    expect(fold.foldedUntil.getTime() % 3_600_000).toBe(0);

    const tables = await p.$queryRawUnsafe<{ table_name: string }[]>(
      // Not check_results' daily partitions on PostgreSQL (ADR 0013), nor views: the tables the schema declares.
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
         AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition) ORDER BY table_name`,
    );
    expect(tables.map((r) => r.table_name)).toEqual([
      '_prisma_migrations',
      'api_keys',
      'audit_log',
      'check_results',
      'check_rollups_daily',
      'check_rollups_hourly',
      'checks',
      'endpoints',
      'event_transitions',
      'heartbeat_pings',
      'idempotent_requests',
      'location_states',
      'maintenance_windows',
      'notification_attempts',
      'notification_channels',
      'notifications',
      'pending_results',
      'rollup_folds',
      'runners',
      'site_events',
      'sites',
    ]);
  });

  it('rejects a second result for the same (check, run)', async () => {
    const p = t.db.prisma;
    const site = await p.site.create({ data: { name: 'Dup', slug: 'dup' } });
    const endpoint = await p.endpoint.create({ data: { siteId: site.id, target: 'tcp.example:443' } });
    const check = await p.check.create({ data: { endpointId: endpoint.id, type: 'tcp' } });
    const data = { checkId: check.id, siteId: site.id, runId: '0b9d7c8e-1111-4222-8333-944455556666', location: 'eu-1', ok: true, checkedAt: new Date() };
    await p.checkResult.create({ data });
    await expect(p.checkResult.create({ data })).rejects.toThrow(/Unique constraint/i);
  });
});
