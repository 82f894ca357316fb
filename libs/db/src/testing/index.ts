// Test support: a fresh, migrated database per test file, on PGlite always and
// on PostgreSQL when TEST_DATABASE_URL names a server (`.ci/run` sets it).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type Database, openDatabase } from '../client';
import { migrate } from '../migrations/apply';

export type TestDatabaseKind = 'embedded' | 'postgres';

export function testDatabaseUrl(): string | undefined {
  return process.env['TEST_DATABASE_URL'] || undefined;
}

/** The database kinds integration tests run on here: PGlite, plus PostgreSQL when configured. */
export function testDatabaseKinds(): TestDatabaseKind[] {
  return testDatabaseUrl() ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestDatabase {
  db: Database;
  /** For PostgreSQL: the fresh database's URL (other processes can open it). */
  url?: string;
  dispose(): Promise<void>;
}

/** A URL naming a brand-new, empty PostgreSQL database on the test server, and a way to drop it. */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `vigil_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function createTestDatabase(
  kind: TestDatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const db = await openDatabase({ kind: 'embedded', dataDir: null });
    if (options.migrate !== false) await migrate(db);
    return { db, dispose: () => db.close() };
  }
  const scratch = await createScratchPostgres();
  const db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 4 });
  if (options.migrate !== false) await migrate(db);
  return {
    db,
    url: scratch.url,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}
export { createSiteWithCheck } from './fixtures';
