import { createTestDatabase, genericPlanSeqScans, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { LOAD } from './load-rows';

// Every evaluation pass runs LOAD, prepared: its generic plan must not read the whole event
// history to find the runner_offline spells (the site_events_runner_offline_ended_at index).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the evaluation load’s generic plan on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const { prisma } = database.db;
    await prisma.$executeRawUnsafe(`INSERT INTO sites (name, slug) SELECT 'plans ' || g, 'plans-' || g FROM generate_series(1, 20) g`);
    // A long history: 5,000 closed outages, and a few runner spells.
    await prisma.$executeRawUnsafe(
      `INSERT INTO site_events (site_id, event_type, severity, started_at, ended_at, resolution_reason)
       SELECT s.id, 'down', 'high', now() - g * interval '1 hour', now() - g * interval '1 hour' + interval '5 minutes', 'recovered'
       FROM sites s CROSS JOIN generate_series(1, 250) g`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO site_events (site_id, event_type, severity, location, started_at, ended_at, resolution_reason)
       SELECT min(id), 'runner_offline', 'high', 'eu-1', now() - interval '1 day', now() - interval '23 hours', 'recovered' FROM sites`,
    );
    await prisma.$executeRawUnsafe('ANALYZE');
  });
  afterAll(() => database.dispose());

  it('reads no event history whole', async () => {
    const scans = await genericPlanSeqScans(database.db, { text: LOAD, values: [[1, 2, 3]] });
    expect(scans).not.toContain('site_events');
  });
});
