import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountController } from '@vigil/controller';
import { createControllerHarness } from '@vigil/controller/testing';
import { type Database, openDatabase, resolveDatabaseTarget } from '@vigil/db';
import { createEmbeddedDataDir, testDatabaseKinds } from '@vigil/db/testing';
import { alwaysReady, createMetricsRegistry, createServiceApp } from '@vigil/http';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import type { Express } from 'express';
import request from 'supertest';
import { cliWith } from '../test-helpers';

function controllerApp(db: Database): Express {
  const deps = { db, logger: createCapturedLogger({ level: 'warn' }).logger, metrics: createMetricsRegistry({ service: 'controller-api', defaultMetrics: false }), ready: alwaysReady, secretKeys: SecretKeyring.fromText(generateSecretKey()) };
  return createServiceApp(deps, { mount: (app) => mountController(app, deps) });
}

// PostgreSQL: the CLI writes through DATABASE_URL while a controller has the database open.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('vigil admin-key create on %s', (kind) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cli-admin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs the command on a database of this kind, then calls GET /api/v1/api-keys with the key it printed.
   * Embedded: in an empty data dir (the command's start makes the database), or, with `existing`,
   * in one a controller already made (loaded from the test snapshot: a first start costs seconds).
   */
  async function createAndUse(
    argv: string[],
    options: { existing?: boolean } = {},
  ): Promise<{ stdout: string; stderr: string; code: number; status: number; names: string[] }> {
    if (kind === 'embedded') {
      if (options.existing) await createEmbeddedDataDir(dir);
      // No controller holds the data directory while the command runs; one opens it afterwards.
      const outcome = await cliWith({ VIGIL_DATA_DIR: dir })(argv);
      const db = await openDatabase(resolveDatabaseTarget(undefined, dir));
      try {
        return { ...outcome, ...(await useKey(controllerApp(db), outcome.stdout)) };
      } finally {
        await db.close();
      }
    }
    const harness = await createControllerHarness('postgres');
    try {
      const outcome = await cliWith({ VIGIL_DATA_DIR: dir, DATABASE_URL: harness.url })(argv);
      return { ...outcome, ...(await useKey(harness.app, outcome.stdout)) };
    } finally {
      await harness.dispose();
    }
  }

  async function useKey(app: Express, stdout: string): Promise<{ status: number; names: string[] }> {
    const key = stdout.startsWith('{') ? (JSON.parse(stdout) as { key: string }).key : stdout.trim();
    const response = await request(app).get('/api/v1/api-keys').set('Authorization', `Bearer ${key}`);
    return { status: response.status, names: (response.body.data ?? []).map((item: { name: string }) => item.name) };
  }

  it('creates an admin key in the database itself and prints only the key, which then authenticates', async () => {
    const { code, stdout, stderr, status, names } = await createAndUse(['admin-key', 'create', '--name', 'recovery']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^vk_[0-9A-Za-z]{40}\n$/);
    expect(stderr).toMatch(/^Created the admin API key "recovery" in (embedded PGlite in|PostgreSQL at) .+ It is shown only here; keep it secret\.\n$/);
    expect(status).toBe(200);
    expect(names).toContain('recovery');
  }, 60_000);

  it('prints the new key with its record as JSON with --json', async () => {
    const { code, stdout, status } = await createAndUse(['admin-key', 'create', '--json'], { existing: true });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      id: expect.any(String),
      name: 'admin (vigil admin-key create)',
      prefix: expect.stringMatching(/^vk_/),
      scopes: ['admin'],
      key: expect.stringMatching(/^vk_/),
      created_at: expect.any(String),
    });
    expect(status).toBe(200);
  }, 60_000);
});

describe('vigil admin-key create', () => {
  it('prints the database lock error when a running controller holds the embedded database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-admin-'));
    try {
      // The lock names a live process: this test's parent stands in for a controller.
      writeFileSync(join(dir, 'vigil.lock'), String(process.ppid));
      const { code, stdout, stderr } = await cliWith({ VIGIL_DATA_DIR: dir })(['admin-key', 'create']);
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe(
        `vigil: The embedded database in ${dir} is in use by process ${process.ppid}; PGlite serves one process, so stop that one or set DATABASE_URL to use PostgreSQL\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a data dir with admin.key but no database, saying how to proceed, and creates none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-admin-'));
    try {
      writeFileSync(join(dir, 'admin.key'), 'vk_from_before\n', { mode: 0o600 });
      const { code, stdout, stderr } = await cliWith({ VIGIL_DATA_DIR: dir })(['admin-key', 'create']);
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toContain(`vigil: The data directory ${dir} holds admin.key but no database`);
      expect(stderr).toContain(`Restore the database into ${join(dir, 'pglite')}, or, to start anew with an empty database, remove ${join(dir, 'admin.key')}`);
      expect(existsSync(join(dir, 'pglite'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes no --url or --api-key, since it talks to no controller', async () => {
    const { code, stderr } = await cliWith({})(['admin-key', 'create', '--url', 'http://127.0.0.1:8080']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: unknown flag --url\n\nUsage: vigil admin-key create \[flags\]\n/);
  });

  it('reports a bad DATABASE_URL as a configuration problem with exit code 2', async () => {
    const { code, stderr } = await cliWith({ DATABASE_URL: 'mysql://db/vigil' })(['admin-key', 'create']);
    expect(code).toBe(2);
    expect(stderr).toBe('vigil: Invalid configuration: DATABASE_URL must start with postgres:// or postgresql:// (got "mysql://db/vigil")\n');
  });
});
