// Test support: a fresh database per test file, copied from one migrated once per migration set
// (template.ts): an in-memory PGlite always, and PostgreSQL where a spec tests its semantics
// and TEST_DATABASE_URL names a server (`.ci/run` sets it).
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { type Database, openDatabase } from '../client';
import { DATA_DIR_ENTRY, tightenDataDir } from '../embedded-files';
import { ensureEmbeddedDataDirCopy, ensureEmbeddedSnapshot, ensureEmptyEmbeddedSnapshot, ensurePostgresTemplate } from './template';

export type TestDatabaseKind = 'embedded' | 'postgres';

export function testDatabaseUrl(): string | undefined {
  return process.env['TEST_DATABASE_URL'] || undefined;
}

export interface TestDatabaseKindsOptions {
  /**
   * `'semantics'`: what the spec tests is PostgreSQL's own behaviour (locks, SKIP LOCKED,
   * concurrency, NOTIFY across connections, constraints, migrations, several processes), so it
   * runs on PostgreSQL too when TEST_DATABASE_URL is set. Say which at the call.
   */
  postgres?: 'semantics';
}

/** The kinds a spec runs on: PGlite, plus PostgreSQL when the spec asks and a server is configured. */
export function testDatabaseKinds(options: TestDatabaseKindsOptions = {}): TestDatabaseKind[] {
  return options.postgres === 'semantics' && testDatabaseUrl() ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestDatabase {
  db: Database;
  /** For PostgreSQL: the fresh database's URL (other processes can open it). */
  url?: string;
  dispose(): Promise<void>;
}

function requireServerUrl(): string {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  return serverUrl;
}

async function onServer<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A URL naming a brand-new PostgreSQL database on the test server, and a way to drop it:
 * empty by default (for what migrates it itself), or with every migration applied
 * (`{ migrated: true }`, copied from the template database).
 */
export async function createScratchPostgres(options: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = requireServerUrl();
  const name = `vigil_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const create = async () => {
    const template = options.migrated ? ` TEMPLATE "${await ensurePostgresTemplate(serverUrl)}"` : '';
    await onServer(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"${template}`));
  };
  try {
    await create();
  } catch (error) {
    // invalid_catalog_name: another run with other migrations dropped the template since; make it again.
    if (!options.migrated || (error as { code?: string }).code !== '3D000') throw error;
    await create();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh database of `kind`, migrated unless `{ migrate: false }` (then empty). */
export async function createTestDatabase(kind: TestDatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrate !== false;
  if (kind === 'embedded') {
    const snapshot = migrated ? await ensureEmbeddedSnapshot() : await ensureEmptyEmbeddedSnapshot();
    const loadDataDir = new Blob([readFileSync(snapshot)]);
    const db = await openDatabase({ kind: 'embedded', dataDir: null }, { loadDataDir });
    return { db, dispose: () => db.close() };
  }
  const scratch = await createScratchPostgres({ migrated });
  const db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 4 });
  return {
    db,
    url: scratch.url,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}
/**
 * Puts a migrated embedded database into `dataDir`, private, as a first start leaves it: for
 * tests that need *a* data dir with a database, not the first start itself. Copied from the
 * snapshot unpacked once (under a second), where a first start pays PGlite's initdb and every
 * migration (seconds).
 */
export async function createEmbeddedDataDir(dataDir: string): Promise<void> {
  const source = await ensureEmbeddedDataDirCopy();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Synchronous: fs.promises.cp copies file by file in JS, several times slower here.
  cpSync(source, join(dataDir, DATA_DIR_ENTRY.database), { recursive: true });
  // PGlite writes its files 0666 whatever the umask; Vigil's own start would have made them private.
  await tightenDataDir(dataDir);
}

export { createSiteWithCheck } from './fixtures';
export { customPlanSeqScans, genericPlanScansRun, genericPlanSeqScans } from './plans';
