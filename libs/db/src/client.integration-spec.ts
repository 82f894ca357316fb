import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_SETTINGS, openDatabase } from './client';
import { DatabaseError } from './errors';
import { resolveDatabaseTarget } from './target';
import { createEmbeddedDataDir } from './testing';

describe('opening databases', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps embedded data across a close and a reopen', async () => {
    const first = await openDatabase({ kind: 'embedded', dataDir: dir });
    await first.prisma.$executeRawUnsafe('CREATE TABLE kept (v int)');
    await first.prisma.$executeRawUnsafe('INSERT INTO kept VALUES (42)');
    await first.close();
    const second = await openDatabase({ kind: 'embedded', dataDir: dir });
    const rows = await second.prisma.$queryRawUnsafe<{ v: number }[]>('SELECT v FROM kept');
    await second.close();
    expect(rows).toEqual([{ v: 42 }]);
    expect(existsSync(join(dir, 'vigil.lock'))).toBe(false);
  });

  it('runs the embedded database with its own settings, after a reopen too', async () => {
    const setting = async (db: Awaited<ReturnType<typeof openDatabase>>) => {
      const [row] = await db.prisma.$queryRawUnsafe<{ shared_buffers: string }[]>('SHOW shared_buffers');
      await db.close();
      return row.shared_buffers;
    };
    expect(await setting(await openDatabase({ kind: 'embedded', dataDir: dir }))).toBe(EMBEDDED_SETTINGS.shared_buffers);
    expect(await setting(await openDatabase({ kind: 'embedded', dataDir: dir }))).toBe(EMBEDDED_SETTINGS.shared_buffers);
    // Not PostgreSQL's default (128MB): the point of the setting.
    expect(EMBEDDED_SETTINGS.shared_buffers).not.toBe('128MB');
  }, 180_000);

  it('refuses a data directory another live process holds, naming it', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'vigil.lock'), String(other.pid));
      const attempt = openDatabase({ kind: 'embedded', dataDir: dir });
      await expect(attempt).rejects.toBeInstanceOf(DatabaseError);
      await expect(attempt).rejects.toMatchObject({ code: 'locked', message: expect.stringContaining(`process ${other.pid}`) });
    } finally {
      other.kill();
    }
  });

  // The tests below need a database in the data dir, not its first start (the test above).
  it('refuses a second open of the same data directory in one process', async () => {
    await createEmbeddedDataDir(dir);
    const first = await openDatabase({ kind: 'embedded', dataDir: dir });
    try {
      await expect(openDatabase({ kind: 'embedded', dataDir: dir })).rejects.toMatchObject({ code: 'locked' });
    } finally {
      await first.close();
    }
  });

  it('takes over a lock left by a process that died', async () => {
    await createEmbeddedDataDir(dir);
    writeFileSync(join(dir, 'vigil.lock'), '2147483646');
    const db = await openDatabase({ kind: 'embedded', dataDir: dir });
    await db.close();
  });

  it('explains a data directory that cannot be created', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await expect(openDatabase({ kind: 'embedded', dataDir: join(file, 'data') })).rejects.toMatchObject({
      code: 'data_dir_unusable',
      message: expect.stringMatching(/cannot be used \(ENOTDIR\).*VIGIL_DATA_DIR/),
    });
  });

  it('explains an unreachable PostgreSQL in one line without the password', async () => {
    const attempt = openDatabase(resolveDatabaseTarget('postgres://vigil:s3cret@127.0.0.1:1/vigil', dir));
    await expect(attempt).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
    await expect(attempt).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('s3cret') }));
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).not.toContain('\n');
  });
});

describe('resolveDatabaseTarget', () => {
  it('uses the embedded database in the data directory when DATABASE_URL is unset or empty', () => {
    expect(resolveDatabaseTarget(undefined, '/tmp/x')).toEqual({ kind: 'embedded', dataDir: '/tmp/x' });
    expect(resolveDatabaseTarget('  ', '/tmp/x')).toEqual({ kind: 'embedded', dataDir: '/tmp/x' });
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(resolveDatabaseTarget('postgres://u@h:5432/d', '.')).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/d' });
    expect(resolveDatabaseTarget('postgresql://u@h/d', '.').kind).toBe('postgres');
  });

  it.each([
    ['mysql://root@localhost/db', /must start with postgres:\/\//],
    ['not a url', /not a valid URL/],
    ['postgres://', /names no host/],
  ])('refuses %p with a clear message', (url, message) => {
    expect(() => resolveDatabaseTarget(url, '.')).toThrow(message);
  });
});
