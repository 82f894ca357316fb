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
  /** A site, an endpoint and an http check (every 30 s, 5 s timeout) written in SQL, as any schema since the first has them. */
  insertCheck(slug: string): Promise<{ siteId: number; checkId: number }>;
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
    insertCheck: async (slug) => {
      const [{ id: siteId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO sites (name, slug) VALUES ($1, $1) RETURNING id`, slug);
      const [{ id: endpointId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO endpoints (site_id, target) VALUES ($1, $2) RETURNING id`,
        siteId,
        `https://${slug}.example/`,
      );
      const [{ id: checkId }] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO checks (endpoint_id, type, interval_s, timeout_ms) VALUES ($1, 'http', 30, 5000) RETURNING id`,
        endpointId,
      );
      return { siteId, checkId };
    },
    close: async () => {
      await db.close();
      await drop();
      rmSync(prismaDir, { recursive: true, force: true });
    },
  };
}
