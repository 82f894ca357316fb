import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../client';
import { DatabaseError } from '../errors';
import { createScratchPostgres, createTestDatabase, testDatabaseKinds } from '../testing';
import { migrate, pendingMigrations } from './apply';
import { checksumOf, findPrismaDir, readMigrationSet } from './files';

const set = readMigrationSet(findPrismaDir());

function copyPrismaDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-prisma-'));
  cpSync(findPrismaDir(), dir, { recursive: true });
  return dir;
}

// PostgreSQL: migrations from empty as the schema engine applies them there.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('migrations on %s', (kind) => {
  it('apply every migration to an empty database, then nothing the second time', async () => {
    const { db, dispose } = await createTestDatabase(kind, { migrate: false });
    try {
      expect(await pendingMigrations(db)).toEqual(set.migrations.map((m) => m.name));
      const first = await migrate(db);
      expect(first.applied).toEqual(set.migrations.map((m) => m.name));
      // Nothing pending: the schema engine (its own WebAssembly memory) is not even opened.
      const unopenable = new Proxy({}, {
        get() {
          throw new Error('the schema engine was opened');
        },
      }) as typeof db.adapterFactory;
      const second = await migrate({ ...db, adapterFactory: unopenable });
      expect(second.applied).toEqual([]);
      expect(await pendingMigrations(db)).toEqual([]);
    } finally {
      await dispose();
    }
  });

  it('record each migration in _prisma_migrations as prisma migrate deploy does', async () => {
    const { db, dispose } = await createTestDatabase(kind);
    try {
      const rows = await db.prisma.$queryRawUnsafe<
        { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]
      >('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
      expect(rows.map((r) => r.migration_name)).toEqual(set.migrations.map((m) => m.name));
      for (const [i, row] of rows.entries()) {
        expect(row.checksum).toBe(checksumOf(set.migrations[i].sql));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
      }
    } finally {
      await dispose();
    }
  });

  it('refuse to run when an applied migration was edited afterwards', async () => {
    const { db, dispose } = await createTestDatabase(kind);
    const prismaDir = copyPrismaDir();
    try {
      const first = set.migrations[0];
      writeFileSync(join(prismaDir, 'migrations', first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
      const attempt = migrate(db, { prismaDir });
      await expect(attempt).rejects.toBeInstanceOf(DatabaseError);
      await expect(attempt).rejects.toMatchObject({
        code: 'migration_edited',
        message: expect.stringContaining(first.name),
      });
    } finally {
      rmSync(prismaDir, { recursive: true, force: true });
      await dispose();
    }
  });

  it('apply a new migration added after the first ones', async () => {
    const { db, dispose } = await createTestDatabase(kind);
    const prismaDir = copyPrismaDir();
    try {
      const name = '29991231000000_add_probe_note';
      cpSync(join(prismaDir, 'migrations', set.migrations[0].name), join(prismaDir, 'migrations', name), { recursive: true });
      writeFileSync(join(prismaDir, 'migrations', name, 'migration.sql'), 'ALTER TABLE "sites" ADD COLUMN "note" TEXT;\n');
      expect(await pendingMigrations(db, { prismaDir })).toEqual([name]);
      expect((await migrate(db, { prismaDir })).applied).toEqual([name]);
      const columns = await db.prisma.$queryRawUnsafe<{ column_name: string }[]>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'sites' AND column_name = 'note'`,
      );
      expect(columns).toHaveLength(1);
    } finally {
      rmSync(prismaDir, { recursive: true, force: true });
      await dispose();
    }
  });
});

describe('concurrent migrators', () => {
  it('on one embedded database run one after the other', async () => {
    const { db, dispose } = await createTestDatabase('embedded', { migrate: false });
    try {
      const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual(set.migrations.map((m) => m.name));
    } finally {
      await dispose();
    }
  });

  // Only where a PostgreSQL server is configured (always in CI).
  // PostgreSQL: migrators on separate connections serialised by the advisory lock.
  if (!testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) return;
  it('on PostgreSQL from separate connections apply each migration exactly once', async () => {
    const scratch = await createScratchPostgres();
    const instances = await Promise.all([0, 1, 2].map(() => openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 })));
    try {
      const results = await Promise.all(instances.map((db) => migrate(db)));
      expect(results.flatMap((r) => r.applied)).toEqual(set.migrations.map((m) => m.name));
      const [{ count }] = await instances[0].prisma.$queryRawUnsafe<{ count: bigint }[]>(
        'SELECT count(*) AS count FROM _prisma_migrations',
      );
      expect(Number(count)).toBe(set.migrations.length);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
      await scratch.drop();
    }
  });
});
