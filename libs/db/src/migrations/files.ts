import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { DatabaseError } from '../errors';

export interface Migration {
  /** The folder name, `<yyyymmddHHMMSS>_<snake_name>`: Prisma's migration name. */
  name: string;
  sql: string;
  /** SHA-256 of the file, as Prisma records it in `_prisma_migrations.checksum`. */
  checksum: string;
}

export interface MigrationSet {
  dir: string;
  lockfile: string | null;
  migrations: Migration[];
}

export const HAND_WRITTEN_MARKER = '-- vigil:hand-written';

/**
 * Where `prisma/` is: an explicit path, else the first ancestor of the working
 * directory or of this code that has `prisma/migrations` (the repository, or
 * `/app` in the Docker images).
 */
export function findPrismaDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  for (const start of [process.cwd(), __dirname]) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, 'prisma', 'migrations', 'migration_lock.toml'))) return join(dir, 'prisma');
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new DatabaseError(
    'migrations_missing',
    'Cannot find prisma/migrations (looked upwards from the working directory); run from the Vigil folder',
  );
}

export function readSchema(prismaDir: string): { path: string; content: string } {
  const path = join(prismaDir, 'schema.prisma');
  return { path, content: readFileSync(path, 'utf8') };
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function readMigrationSet(prismaDir: string): MigrationSet {
  const dir = join(prismaDir, 'migrations');
  if (!existsSync(dir)) {
    throw new DatabaseError('migrations_missing', `No migrations folder at ${dir}`);
  }
  const lockPath = join(dir, 'migration_lock.toml');
  const migrations = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
  return { dir, lockfile: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null, migrations };
}

export function toMigrationList(set: MigrationSet): MigrationList {
  return {
    baseDir: set.dir,
    lockfile: { path: 'migration_lock.toml', content: set.lockfile },
    shadowDbInitScript: '',
    migrationDirectories: set.migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

/**
 * Names of the database objects that migrations create by hand (after the
 * marker line), which Prisma's schema language cannot describe and its diff
 * would therefore propose to drop.
 */
export function handWrittenObjectNames(set: MigrationSet): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?/gi,
    /CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+"?(\w+)"?/gi,
    /CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+"?(\w+)"?/gi,
    /ADD\s+CONSTRAINT\s+"?(\w+)"?/gi,
  ];
  for (const m of set.migrations) {
    const at = m.sql.indexOf(HAND_WRITTEN_MARKER);
    if (at < 0) continue;
    const handWritten = m.sql.slice(at);
    for (const pattern of patterns) {
      for (const match of handWritten.matchAll(pattern)) names.add(match[1]);
    }
  }
  return names;
}
