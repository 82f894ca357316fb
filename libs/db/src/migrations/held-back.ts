import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '../client';
import { createScratchPostgres, type TestDatabaseKind } from '../testing';
import { findPrismaDir } from './files';

/** A fresh database of `kind` and a copy of the Prisma directory without `migration`, to migrate up to just before it. */
export interface HeldBackMigration {
  readonly db: Database;
  /** The Prisma directory without the migration under test: `migrate(db, { prismaDir })` stops short of it. */
  readonly prismaDir: string;
  close(): Promise<void>;
}

/** For a migration's own spec: data written before the migration, then the migration applied to it. */
export async function holdBackMigration(kind: TestDatabaseKind, migration: string): Promise<HeldBackMigration> {
  const prismaDir = mkdtempSync(join(tmpdir(), 'vigil-prisma-'));
  cpSync(findPrismaDir(), prismaDir, { recursive: true });
  rmSync(join(prismaDir, 'migrations', migration), { recursive: true, force: true });
  let db: Database;
  let drop: () => Promise<void> = async () => undefined;
  if (kind === 'postgres') {
    const scratch = await createScratchPostgres();
    db = await openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 });
    drop = scratch.drop;
  } else {
    db = await openDatabase({ kind: 'embedded', dataDir: null });
  }
  return {
    db,
    prismaDir,
    close: async () => {
      await db.close();
      await drop();
      rmSync(prismaDir, { recursive: true, force: true });
    },
  };
}
