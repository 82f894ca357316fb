import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '@vigil/db';
import { createEmbeddedDataDir, createTestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { channelSealer, generateSecretKey, SecretKeyring, writeKeyFile } from '@vigil/secrets';
import { cliWith } from '../test-helpers';

const PASSWORD = 'smtp-password-1234';
const email = { to: ['a@example.com'], smtp: { host: 'smtp.example.com', port: 465, secure: true, username: 'u', password: PASSWORD } };

/**
 * The embedded database in `dir`, migrated (as a controller's first start leaves it): loaded
 * from the test snapshot the first time, since a real first start (initdb, every migration)
 * costs seconds and is not what these tests are about.
 */
async function openEmbedded(dir: string): Promise<Database> {
  if (!existsSync(join(dir, 'pglite'))) await createEmbeddedDataDir(dir);
  return openDatabase({ kind: 'embedded', dataDir: dir });
}

async function storeChannel(db: Database, keyring: SecretKeyring): Promise<number> {
  const row = await db.prisma.notificationChannel.create({
    data: { name: 'mail', type: 'email', config: channelSealer(keyring, 'email').seal(email) as never },
  });
  return row.id;
}

describe('vigil secret-key generate', () => {
  it('prints a new 32-byte base64 key, a different one each time, and nothing else', async () => {
    const cli = cliWith({});
    const first = await cli(['secret-key', 'generate']);
    const second = await cli(['secret-key', 'generate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(first.stdout.trim(), 'base64')).toHaveLength(32);
    expect(second.stdout).not.toBe(first.stdout);
    expect(first.stderr).toBe('');
  });

  it('prints the key as JSON with --json', async () => {
    const { code, stdout } = await cliWith({})(['secret-key', 'generate', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
  });
});

describe('vigil secret-key rotate on the embedded database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-rotate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reseals every secret under a new secret.key (0600), which alone then opens them', async () => {
    const oldKey = generateSecretKey();
    await writeKeyFile(join(dir, 'secret.key'), oldKey);
    let db = await openEmbedded(dir);
    const id = await storeChannel(db, SecretKeyring.fromText(oldKey));
    await db.close();

    const outcome = await cliWith({ VIGIL_DATA_DIR: dir })(['secret-key', 'rotate']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/Resealed 1 notification channel\(s\) and 0 check\(s\)/);
    const newKey = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(outcome.stderr).not.toContain(newKey);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'secret.key.next'))).toBe(false);

    db = await openEmbedded(dir);
    try {
      const row = await db.prisma.notificationChannel.findUniqueOrThrow({ where: { id } });
      expect(JSON.stringify(row.config)).not.toContain(PASSWORD);
      expect(channelSealer(SecretKeyring.fromText(newKey), 'email').open(row.config)).toEqual(email);
      expect(() => channelSealer(SecretKeyring.fromText(oldKey), 'email').open(row.config)).toThrow();
    } finally {
      await db.close();
    }

    const again = await cliWith({ VIGIL_DATA_DIR: dir })(['secret-key', 'rotate', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ key_id: expect.any(String), channels: 1, checks: 0 });
  }, 60_000);

  it('refuses a data dir without secret.key', async () => {
    const outcome = await cliWith({ VIGIL_DATA_DIR: dir })(['secret-key', 'rotate']);
    expect([outcome.code, outcome.stderr]).toEqual([1, expect.stringContaining('secret.key to rotate')]);
  });
});

// PostgreSQL: the CLI reseals through DATABASE_URL while another connection holds the database.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('vigil secret-key rotate with VIGIL_SECRET_KEY on %s', (kind) => {
  it('reseals values under VIGIL_SECRET_KEY_PREVIOUS under VIGIL_SECRET_KEY, and needs the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-rotate-'));
    // The embedded database is opened by one process at a time: closed while the CLI runs.
    const t = kind === 'postgres' ? await createTestDatabase(kind) : undefined;
    const open = async () => t?.db ?? (await openEmbedded(dir));
    const close = async (db: Database) => (t === undefined ? db.close() : undefined);
    try {
      const oldKey = generateSecretKey();
      const newKey = generateSecretKey();
      let db = await open();
      const id = await storeChannel(db, SecretKeyring.fromText(oldKey));
      await close(db);
      const cli = cliWith({ VIGIL_DATA_DIR: dir, ...(t && { DATABASE_URL: t.url }) });
      if (t !== undefined) {
        const missing = await cli(['secret-key', 'rotate']);
        expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('VIGIL_SECRET_KEY (or VIGIL_SECRET_KEY_FILE) is required')]);
      }
      const forgotten = await cli(['secret-key', 'rotate'], { VIGIL_SECRET_KEY: newKey });
      expect([forgotten.code, forgotten.stderr]).toEqual([1, expect.stringContaining('nothing was changed')]);
      const outcome = await cli(['secret-key', 'rotate'], { VIGIL_SECRET_KEY: newKey, VIGIL_SECRET_KEY_PREVIOUS: oldKey });
      expect(outcome.code).toBe(0);
      expect(outcome.stderr).toMatch(/Resealed 1 notification channel/);
      db = await open();
      const row = await db.prisma.notificationChannel.findUniqueOrThrow({ where: { id } });
      await close(db);
      expect(channelSealer(SecretKeyring.fromText(newKey), 'email').open(row.config)).toEqual(email);
      expect(existsSync(join(dir, 'secret.key'))).toBe(false);
    } finally {
      await t?.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
