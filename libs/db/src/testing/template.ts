// Migrating is the slow part of a test database (the WASM schema engine, then every migration),
// so it is done once per migration set: into a PostgreSQL template database that each test
// database is copied from, and into a PGlite snapshot that each embedded one is loaded from.
// Jest's globalSetup prepares both; a spec run without it prepares them on first use.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Client } from 'pg';
import { connectPostgres, openDatabase } from '../client';
import { DATA_DIR_ENTRY } from '../embedded-files';
import { migrate } from '../migrations/apply';
import { findPrismaDir, readMigrationSet } from '../migrations/files';

/** Another prisma/ folder than the workspace's (the harness's own tests make one with a new migration). */
export interface MigrationsSource {
  prismaDir?: string;
}

/** A short hash of the migration files: a template or snapshot is reused only while they are unchanged. */
export function migrationsHash(source: MigrationsSource = {}): string {
  const set = readMigrationSet(findPrismaDir(source.prismaDir));
  const hash = createHash('sha256').update(set.lockfile ?? '');
  for (const m of set.migrations) hash.update(`\0${m.name}\0${m.checksum}`);
  return hash.digest('hex').slice(0, 12);
}

const TEMPLATE_PREFIX = 'vigil_template_';
// Held on the server's maintenance database while a template is made: nx runs two Jest processes at once.
const TEMPLATE_LOCK_KEY = 0x76746d70; // "vtmp"
// Another checkout's template (other migrations) may be in use by its run; only old ones are dropped.
const STALE_TEMPLATE_MS = 24 * 60 * 60 * 1000;

export function postgresTemplateName(source: MigrationsSource = {}): string {
  return `${TEMPLATE_PREFIX}${migrationsHash(source)}`;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function databaseExists(client: Client, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rowCount === 1;
}

/**
 * The name of a migrated template database on the server, made if missing. It is migrated under
 * a temporary name and renamed only when complete, so its name existing means it is usable; no
 * one may connect to it (CREATE DATABASE … TEMPLATE refuses a template that has sessions).
 */
export async function ensurePostgresTemplate(serverUrl: string, source: MigrationsSource = {}): Promise<string> {
  const name = postgresTemplateName(source);
  const admin = await connectPostgres(serverUrl, 'is TEST_DATABASE_URL right?');
  try {
    if (await databaseExists(admin, name)) return name;
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      if (await databaseExists(admin, name)) return name;
      await dropStaleTemplates(admin, name);
      const partial = `${name}_partial`;
      await admin.query(`DROP DATABASE IF EXISTS "${partial}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${partial}"`);
      const db = await openDatabase({ kind: 'postgres', url: databaseUrl(serverUrl, partial) }, { poolSize: 1 });
      try {
        await migrate(db, source);
      } finally {
        await db.close();
      }
      await admin.query(`ALTER DATABASE "${partial}" WITH ALLOW_CONNECTIONS false`);
      await admin.query(`COMMENT ON DATABASE "${partial}" IS 'vigil test template, made ${new Date().toISOString()}'`);
      await renameWhenIdle(admin, partial, name);
      return name;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  } finally {
    await admin.end();
  }
}

// The migrator's pool may still be closing its sessions, and RENAME refuses a database in use.
async function renameWhenIdle(admin: Client, from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await admin.query('SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1', [from]);
    try {
      await admin.query(`ALTER DATABASE "${from}" RENAME TO "${to}"`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error; // object_in_use
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function dropStaleTemplates(admin: Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; note: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname LIKE $1`,
    [`${TEMPLATE_PREFIX}%`],
  );
  for (const { datname, note } of rows) {
    if (datname === keep) continue;
    const made = Date.parse(note?.match(/made (\S+)$/)?.[1] ?? '');
    // A partial one is from a run that died while holding the lock (which the lock now proves).
    if (!datname.endsWith('_partial') && Date.now() - made < STALE_TEMPLATE_MS) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function pgliteVersion(): string {
  // The package's exports hide package.json; its entry point sits in dist/, one below it.
  const entry = require.resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the PGlite snapshot for these migrations and this PGlite is kept: under the workspace's tmp/. */
export function embeddedSnapshotPath(): string {
  const root = dirname(findPrismaDir());
  return join(root, 'tmp', 'test-cache', `pglite-${pgliteVersion()}-${migrationsHash()}.tar`);
}

/**
 * The path of a dump of a migrated in-memory PGlite, made if missing. Written to a temporary file
 * and renamed, so a reader never sees half a snapshot; two processes making it at once both succeed.
 */
export async function ensureEmbeddedSnapshot(): Promise<string> {
  const path = embeddedSnapshotPath();
  if (existsSync(path)) return path;
  // Migrated through openDatabase as every service is, on disk, then dumped by PGlite itself.
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
  try {
    const db = await openDatabase({ kind: 'embedded', dataDir });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    const pglite = await PGlite.create(join(dataDir, DATA_DIR_ENTRY.database));
    let dump: Blob;
    try {
      dump = await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
    await writeWhole(path, dump);
    return path;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Written to a temporary file and renamed: a reader never sees half of it.
async function writeWhole(path: string, blob: Blob): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temp, Buffer.from(await blob.arrayBuffer()));
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * The path of a dump of an empty (initdb'd, unmigrated) in-memory PGlite, made if missing: loading
 * it takes about half a second where initdb takes two or more, for tests that migrate from empty.
 */
export async function ensureEmptyEmbeddedSnapshot(): Promise<string> {
  const path = join(dirname(embeddedSnapshotPath()), `pglite-${pgliteVersion()}-empty.tar`);
  if (existsSync(path)) return path;
  const pglite = await PGlite.create();
  try {
    await writeWhole(path, await pglite.dumpDataDir('none'));
  } finally {
    await pglite.close();
  }
  return path;
}

/**
 * The path of the migrated snapshot unpacked into a file-backed PGlite data directory, made if
 * missing (renamed into place when complete), for tests to copy: never opened as a database.
 */
export async function ensureEmbeddedDataDirCopy(): Promise<string> {
  const path = embeddedSnapshotPath().replace(/\.tar$/, '.datadir');
  if (existsSync(path)) return path;
  const loadDataDir = new Blob([readFileSync(await ensureEmbeddedSnapshot())]);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const pglite = await PGlite.create(temp, { loadDataDir });
    await pglite.close();
    try {
      renameSync(temp, path);
    } catch (error) {
      // Another process put its copy there first: that one is as good.
      if (!existsSync(path)) throw error;
    }
    return path;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Jest's globalSetup: both prepared once, before any test file runs. */
export async function prepareTestDatabases(serverUrl: string | undefined): Promise<void> {
  await Promise.all([ensureEmbeddedSnapshot(), serverUrl ? ensurePostgresTemplate(serverUrl) : undefined]);
}
