import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey } from './keyring';
import { loadServiceSecretKeys } from './service';

describe('loadServiceSecretKeys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-service-keys-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const exit = (code: number): never => {
    throw new Error(`exit ${code}`);
  };

  it('ends a PostgreSQL service without a key with exit 1 and one line saying how to make one', async () => {
    const { logger, entries } = createCapturedLogger();
    await expect(loadServiceSecretKeys({ VIGIL_SECRET_KEY_PREVIOUS: [], VIGIL_DATA_DIR: dir, DATABASE_URL: 'postgres://x@127.0.0.1/x' }, logger, exit)).rejects.toThrow('exit 1');
    expect(entries().map((e) => [e['level'], e['message']])).toEqual([['error', expect.stringContaining('vigil secret-key generate')]]);
  });

  it('generates the embedded key once, saying where, and never logs a key', async () => {
    const { logger, entries } = createCapturedLogger();
    const keyring = await loadServiceSecretKeys({ VIGIL_SECRET_KEY_PREVIOUS: [], VIGIL_DATA_DIR: dir }, logger, exit);
    expect(entries()[0]['message']).toContain(path.join(dir, 'secret.key'));
    const key = generateSecretKey();
    const configured = await loadServiceSecretKeys({ VIGIL_SECRET_KEY: key, VIGIL_SECRET_KEY_PREVIOUS: [], VIGIL_DATA_DIR: dir }, logger, exit);
    expect(configured.current.kid).not.toBe(keyring.current.kid);
    expect(JSON.stringify(entries())).not.toContain(key);
  });

  it('ends the process when the data dir cannot hold the key', async () => {
    const { logger } = createCapturedLogger();
    await expect(loadServiceSecretKeys({ VIGIL_SECRET_KEY_PREVIOUS: [], VIGIL_DATA_DIR: path.join(dir, 'missing') }, logger, exit)).rejects.toThrow('exit 1');
  });
});
