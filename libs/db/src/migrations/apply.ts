import type { Database } from '../client';
import { DatabaseError } from '../errors';
import { openSchemaEngine } from './engine';
import { type MigrationSet, findPrismaDir, readMigrationSet, toMigrationList } from './files';

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const noFilters = { externalTables: [], externalEnums: [] };

async function appliedMigrations(db: Database): Promise<AppliedRow[]> {
  const [{ present }] = await db.prisma.$queryRawUnsafe<{ present: boolean }[]>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`,
  );
  if (!present) return [];
  return db.prisma.$queryRawUnsafe<AppliedRow[]>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at`,
  );
}

/** Refuses what `prisma migrate deploy` would silently accept: a migration edited after it was applied. */
function verifyHistory(set: MigrationSet, applied: AppliedRow[]): void {
  const files = new Map(set.migrations.map((m) => [m.name, m]));
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new DatabaseError(
        'migration_failed',
        `Migration ${row.migration_name} failed part-way on this database; fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name})`,
      );
    }
    const file = files.get(row.migration_name);
    if (file && file.checksum !== row.checksum) {
      throw new DatabaseError(
        'migration_edited',
        `Migration ${row.migration_name} was edited after it was applied (its checksum differs from _prisma_migrations); restore the file and put the change in a new migration`,
      );
    }
  }
}

export interface MigrateOptions {
  prismaDir?: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/**
 * Applies prisma/migrations with Prisma's own schema engine (WebAssembly, through
 * the database's driver adapter), recording them in `_prisma_migrations` exactly
 * as `prisma migrate deploy` does. Concurrent migrators wait for each other.
 */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateResult> {
  const set = readMigrationSet(findPrismaDir(options.prismaDir));
  return db.withMigrationLock(async () => {
    const applied = await appliedMigrations(db);
    verifyHistory(set, applied);
    // The usual start: nothing pending. The schema engine is a WebAssembly instance with 64 MB of
    // memory of its own, slow to start; it is opened only when it has something to apply.
    const done = new Set(applied.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => row.migration_name));
    if (set.migrations.every((migration) => done.has(migration.name))) return { applied: [], total: set.migrations.length };
    const { engine, close } = await openSchemaEngine({ adapterFactory: db.adapterFactory, log: options.log });
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({
        migrationsList: toMigrationList(set),
        filters: noFilters,
      });
      return { applied: appliedMigrationNames, total: set.migrations.length };
    } catch (error) {
      throw new DatabaseError('migration_failed', `Applying migrations failed: ${engineMessage(error)}`, { cause: error });
    } finally {
      await close();
    }
  });
}

/** Names of the migrations not yet applied to this database (for readiness). */
export async function pendingMigrations(db: Database, options: { prismaDir?: string } = {}): Promise<string[]> {
  const set = readMigrationSet(findPrismaDir(options.prismaDir));
  const done = new Set(
    (await appliedMigrations(db)).filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name),
  );
  return set.migrations.map((m) => m.name).filter((name) => !done.has(name));
}

export function engineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { message?: string };
    return (parsed.message ?? message).split('\n')[0];
  } catch {
    return message.split('\n').slice(0, 3).join(' ');
  }
}
