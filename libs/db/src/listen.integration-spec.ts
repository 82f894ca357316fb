import { until } from '@vigil/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectPostgres } from './client';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from './testing';

// PostgreSQL: LISTEN/NOTIFY between connections (PGlite notifies within its one process).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('listening for notifications on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  it('calls back for a NOTIFY on its channel, and no more once it stops listening', async () => {
    let woken = 0;
    const unlisten = await database.db.listen('vigil_test_wake', () => (woken += 1));
    const before = woken;
    await database.db.prisma.$executeRaw`SELECT pg_notify('vigil_test_wake', '')`;
    await until(() => woken > before, 'a wake-up');
    await database.db.prisma.$executeRaw`SELECT pg_notify('vigil_other_channel', '')`;
    await sleep(100);
    const afterOther = woken;
    expect(afterOther).toBe(before + 1);
    await unlisten();
    await database.db.prisma.$executeRaw`SELECT pg_notify('vigil_test_wake', '')`;
    await sleep(150);
    expect(woken).toBe(afterOther);
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    await expect(database.db.listen('bad; DROP TABLE sites', () => undefined)).rejects.toThrow('is not a plain notification channel name');
  });
});

// PostgreSQL: a LISTEN connection the server drops, and listening again.
if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('listening on PostgreSQL when its connection is lost', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });
    afterAll(() => database.dispose());

    it('connects again and hears later notifications', async () => {
      let woken = 0;
      const unlisten = await database.db.listen('vigil_test_reconnect', () => (woken += 1));
      try {
        const admin = await connectPostgres(database.url ?? '');
        // Cut the listening session as a restart or a network failure would.
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                           WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'`);
        await admin.end();
        const afterCut = woken;
        // The reconnect itself wakes the listener once (whatever was missed), then NOTIFYs do.
        await until(() => woken > afterCut, 'the reconnect');
        const reconnected = woken;
        await sleep(50);
        await database.db.prisma.$executeRaw`SELECT pg_notify('vigil_test_reconnect', '')`;
        await until(() => woken > reconnected, 'a wake-up after the reconnect');
      } finally {
        await unlisten();
      }
    });
  });
}
