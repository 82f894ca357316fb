import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase } from '../client';
import { pendingMigrations } from '../migrations/apply';
import { findPrismaDir, readMigrationSet } from '../migrations/files';
import { createTestDatabase, testDatabaseKinds, testDatabaseUrl } from './index';
import { ensurePostgresTemplate, postgresTemplateName } from './template';

const set = readMigrationSet(findPrismaDir());

// PostgreSQL: copies of the template database (CREATE DATABASE … TEMPLATE).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('a test database on %s', (kind) => {
  it('is copied with every migration applied, and empty with migrate: false', async () => {
    const migrated = await createTestDatabase(kind);
    const empty = await createTestDatabase(kind, { migrate: false });
    try {
      expect(await pendingMigrations(migrated.db)).toEqual([]);
      expect(await migrated.db.prisma.site.count()).toBe(0);
      expect(await pendingMigrations(empty.db)).toEqual(set.migrations.map((m) => m.name));
    } finally {
      await Promise.all([migrated.dispose(), empty.dispose()]);
    }
  });
});

describe('the PostgreSQL template database', () => {
  // PostgreSQL: several Jest processes asking for a new template at once (the advisory lock, the rename).
  if (!testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) return;
  const serverUrl = testDatabaseUrl() ?? '';
  let prismaDir: string;
  beforeAll(() => {
    // A migration set of its own: a template nobody has made yet.
    prismaDir = mkdtempSync(join(tmpdir(), 'vigil-prisma-'));
    cpSync(findPrismaDir(), prismaDir, { recursive: true });
    const name = '29991231000000_template_note';
    cpSync(join(prismaDir, 'migrations', set.migrations[0].name), join(prismaDir, 'migrations', name), { recursive: true });
    writeFileSync(join(prismaDir, 'migrations', name, 'migration.sql'), 'ALTER TABLE "sites" ADD COLUMN "note" TEXT;\n');
  });
  afterAll(async () => {
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${postgresTemplateName({ prismaDir })}" WITH (FORCE)`);
    await admin.end();
    rmSync(prismaDir, { recursive: true, force: true });
  });

  it('is made once, whole, when several callers ask for a new migration set at once, and named by its hash', async () => {
    const name = postgresTemplateName({ prismaDir });
    expect(name).not.toBe(postgresTemplateName());
    const names = await Promise.all([0, 1, 2].map(() => ensurePostgresTemplate(serverUrl, { prismaDir })));
    expect(names).toEqual([name, name, name]);
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    const copy = `vigil_test_template_copy_${process.pid}`;
    try {
      const { rows } = await admin.query<{ datname: string; datallowconn: boolean }>(
        `SELECT datname, datallowconn FROM pg_database WHERE datname LIKE $1`,
        [`${name}%`],
      );
      // Nobody may connect to it (CREATE DATABASE … TEMPLATE refuses one in use), and no partial one is left.
      expect(rows).toEqual([{ datname: name, datallowconn: false }]);
      await admin.query(`CREATE DATABASE "${copy}" TEMPLATE "${name}"`);
      const url = new URL(serverUrl);
      url.pathname = `/${copy}`;
      const db = await openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 1 });
      try {
        expect(await pendingMigrations(db, { prismaDir })).toEqual([]);
        const [{ count }] = await db.prisma.$queryRawUnsafe<{ count: bigint }[]>('SELECT count(*) AS count FROM _prisma_migrations');
        expect(Number(count)).toBe(set.migrations.length + 1);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
