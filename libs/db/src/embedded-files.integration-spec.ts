import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCapturedLogger } from '@vigil/logger/testing';
import { notPrivate } from '@vigil/testing';
import { openDatabase } from './client';
import { DATA_DIR_ENTRY, missingDatabaseProblem } from './embedded-files';
import { DatabaseError } from './errors';
import { openServiceDatabase } from './service';
import { connectDatabase } from './startup';
import { createEmbeddedDataDir, createScratchPostgres, testDatabaseKinds } from './testing';

const modeOf = (path: string) => lstatSync(path).mode & 0o7777;

/** As every app does at start (usePrivateUmask), restored afterwards: the umask is the whole process's. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe('the embedded database keeps its files private', () => {
  let parent: string;
  let dataDir: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'vigil-files-'));
    dataDir = join(parent, 'data');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const connect = (log = createCapturedLogger().logger) => connectDatabase({ url: undefined, dataDir, migrate: 'auto', log });

  it('has every file 0600 and every folder 0700 under the data dir, open (umask 077) and after close, without a warning', async () => {
    const { logger, entries } = createCapturedLogger();
    await withUmask(0o077, async () => {
      const db = await connect(logger);
      try {
        await db.prisma.$executeRawUnsafe('CREATE TABLE written (v text)');
        await db.prisma.$executeRawUnsafe("INSERT INTO written SELECT repeat('x', 100) FROM generate_series(1, 2000)");
        await db.prisma.$executeRawUnsafe('CHECKPOINT');
        // PGlite writes its files 0666 whatever the umask: they were made private after it opened.
        expect(notPrivate(dataDir)).toEqual([]);
      } finally {
        await db.close();
      }
    });
    expect(readdirSync(join(dataDir, DATA_DIR_ENTRY.database)).length).toBeGreaterThan(5);
    expect(notPrivate(dataDir)).toEqual([]);
    // What Vigil itself just wrote is no news to the operator.
    expect(entries().filter((entry) => entry['level'] === 'warn')).toEqual([]);
  });

  it('leaves no file others can read after close even under a loose umask (022)', async () => {
    // The first start is the test above; this one needs only files written under a loose umask.
    await createEmbeddedDataDir(dataDir);
    await withUmask(0o022, async () => {
      const db = await connect();
      await db.prisma.$executeRawUnsafe('CREATE TABLE written (v int)');
      await db.prisma.$executeRawUnsafe('INSERT INTO written SELECT generate_series(1, 2000)');
      await db.close();
    });
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('makes looser files from before private at start, with a warning naming them, and leaves what is not its own', async () => {
    await createEmbeddedDataDir(dataDir);
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'pglite'), 0o755);
    chmodSync(join(dataDir, 'pglite', 'PG_VERSION'), 0o666);
    chmodSync(join(dataDir, 'pglite', 'base'), 0o777);
    writeFileSync(join(dataDir, 'admin.key'), 'vk_test\n', { mode: 0o644 });
    chmodSync(join(dataDir, 'admin.key'), 0o644);
    writeFileSync(join(dataDir, 'secret.key'), 'k\n');
    chmodSync(join(dataDir, 'secret.key'), 0o640);
    writeFileSync(join(dataDir, 'notes.txt'), 'the operator’s own\n');
    chmodSync(join(dataDir, 'notes.txt'), 0o644);

    const { logger, entries } = createCapturedLogger();
    const db = await connect(logger);
    await db.close();

    const warnings = entries().filter((entry) => entry['level'] === 'warn');
    expect(warnings).toHaveLength(1);
    const message = String(warnings[0]['message']);
    expect(message).toMatch(/^made 6 file\(s\)\/folder\(s\) in .* private that other users could read or enter/);
    expect(message).toContain('. (0755 -> 0700)');
    expect(message).toContain('admin.key (0644 -> 0600)');
    expect(message).toContain('pglite (0755 -> 0700)');
    expect(message).toContain('pglite/PG_VERSION (0666 -> 0600)');
    expect(message).toContain('and 1 more');
    expect(warnings[0]['data_dir']).toBe(dataDir);
    expect(modeOf(join(dataDir, 'admin.key'))).toBe(0o600);
    expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600);
    expect(modeOf(join(dataDir, 'notes.txt'))).toBe(0o644);
    rmSync(join(dataDir, 'notes.txt'));
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('never changes the data dir’s parent nor follows a link out of the data dir', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vigil-outside-'));
    try {
      chmodSync(parent, 0o755);
      writeFileSync(join(outside, 'target'), 'not Vigil’s');
      chmodSync(join(outside, 'target'), 0o644);
      chmodSync(outside, 0o755);
      await createEmbeddedDataDir(dataDir);
      symlinkSync(join(outside, 'target'), join(dataDir, 'pglite', 'a-link'));
      symlinkSync(outside, join(dataDir, 'pglite', 'a-dir-link'));
      const db = await connect();
      await db.close();
      expect(modeOf(parent)).toBe(0o755);
      expect(modeOf(outside)).toBe(0o755);
      expect(modeOf(join(outside, 'target'))).toBe(0o644);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('leaves the mode of a data dir that is a shared folder (sticky, like /tmp) and says so', async () => {
    await createEmbeddedDataDir(dataDir);
    chmodSync(dataDir, 0o1777);
    const { logger, entries } = createCapturedLogger();
    const db = await connect(logger);
    await db.close();
    expect(modeOf(dataDir)).toBe(0o1777);
    expect(entries().map((entry) => entry['message'])).toContainEqual(expect.stringMatching(/^VIGIL_DATA_DIR .* is a shared folder \(it has the sticky bit/));
    chmodSync(dataDir, 0o700);
    expect(notPrivate(dataDir)).toEqual([]);
  });
});

describe('a data dir with admin.key but no database', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-files-'));
    writeFileSync(join(dataDir, 'admin.key'), 'vk_kept_from_before\n', { mode: 0o600 });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is refused with database_missing and how to proceed, and no empty database is created', async () => {
    const attempt = openDatabase({ kind: 'embedded', dataDir });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseError);
    const error = (await attempt.catch((e: unknown) => e)) as DatabaseError;
    expect(error.code).toBe('database_missing');
    expect(error.message).toContain(`holds admin.key but no database`);
    expect(error.message).toContain(`Restore the database into ${join(dataDir, 'pglite')}`);
    expect(error.message).toContain(`remove ${join(dataDir, 'admin.key')}`);
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    // The lock was given back: removing admin.key is then enough to start anew.
    expect(existsSync(join(dataDir, 'vigil.lock'))).toBe(false);
    rmSync(join(dataDir, 'admin.key'));
    const fresh = await openDatabase({ kind: 'embedded', dataDir });
    await fresh.close();
  });

  it('is refused as well when the database folder is there but empty (a restore that missed it)', async () => {
    mkdirSync(join(dataDir, 'pglite'));
    await expect(openDatabase({ kind: 'embedded', dataDir })).rejects.toMatchObject({ code: 'database_missing' });
  });

  it('ends a service with one error line (code database_missing) and exit code 1', async () => {
    const { logger, entries } = createCapturedLogger();
    const exit = (code: number): never => {
      throw new Error(`exit ${code}`);
    };
    const config = { VIGIL_DATA_DIR: dataDir, DATABASE_URL: undefined, LOG_LEVEL: 'info', LOG_FORMAT: 'json', VIGIL_MIGRATE: 'auto' } as const;
    await expect(openServiceDatabase(config, logger, exit)).rejects.toThrow('exit 1');
    const errors = entries().filter((entry) => entry['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'database_missing', message: expect.stringContaining('remove') });
  });

  it('opens the database that is there: admin.key beside an existing database is the normal case', async () => {
    rmSync(join(dataDir, 'admin.key'));
    await createEmbeddedDataDir(dataDir);
    writeFileSync(join(dataDir, 'admin.key'), 'vk_kept\n', { mode: 0o600 });
    const again = await openDatabase({ kind: 'embedded', dataDir });
    await again.close();
  });
});

describe('missingDatabaseProblem', () => {
  it('refuses only an admin key without a database', () => {
    expect(missingDatabaseProblem('/d', { adminKey: true, database: false })).toMatch(/^The data directory \/d holds admin.key but no database/);
    expect(missingDatabaseProblem('/d', { adminKey: true, database: true })).toBeUndefined();
    expect(missingDatabaseProblem('/d', { adminKey: false, database: false })).toBeUndefined();
    expect(missingDatabaseProblem('/d', { adminKey: false, database: true })).toBeUndefined();
  });
});

// PostgreSQL: with DATABASE_URL set the data dir is still made private and holds no database.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('a looser admin.key beside the database on %s', (kind) => {
  let dataDir: string;
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-files-'));
    scratch = kind === 'postgres' ? await createScratchPostgres() : undefined;
  });
  afterEach(async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is made private at start, with a warning', async () => {
    const connect = (log = createCapturedLogger().logger) => connectDatabase({ url: scratch?.url, dataDir, migrate: 'auto', log });
    // The embedded database as its first start leaves it (that start is tested above).
    if (kind === 'embedded') await createEmbeddedDataDir(dataDir);
    else await (await connect()).close();
    writeFileSync(join(dataDir, 'admin.key'), 'vk_test\n');
    chmodSync(join(dataDir, 'admin.key'), 0o644);
    const { logger, entries } = createCapturedLogger();
    await (await connect(logger)).close();
    expect(modeOf(join(dataDir, 'admin.key'))).toBe(0o600);
    expect(entries().map((entry) => entry['message'])).toContainEqual(expect.stringContaining('admin.key (0644 -> 0600)'));
    // PostgreSQL's data is elsewhere: nothing embedded was made here.
    expect(existsSync(join(dataDir, 'pglite'))).toBe(kind === 'embedded');
  });
});
