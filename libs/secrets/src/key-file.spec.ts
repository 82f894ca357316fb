import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readKeyFile, readOrCreateDataDirKey, writeKeyFile } from './key-file';
import { parseSecretKey } from './keyring';

describe('the secret.key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-secrets-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is generated on the first start, owner-only (0600), then read back unchanged', async () => {
    const first = await readOrCreateDataDirKey(dir);
    expect(first.created).toBe(true);
    expect(parseSecretKey(first.key).key).toHaveLength(32);
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    const second = await readOrCreateDataDirKey(dir);
    expect(second).toEqual({ key: first.key, created: false, file: first.file });
    expect(await readdir(dir)).toEqual(['secret.key']);
  });

  it('replaces a key file whole, leaving no temp file, and reads a missing one as undefined', async () => {
    const file = path.join(dir, 'secret.key');
    await writeFile(file, 'old\n', { mode: 0o644 });
    await writeKeyFile(file, 'new-key');
    expect(await readFile(file, 'utf8')).toBe('new-key\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secret.key']);
    expect(await readKeyFile(path.join(dir, 'none'))).toBeUndefined();
    await expect(writeKeyFile(path.join(dir, 'missing-dir', 'k'), 'x')).rejects.toThrow();
  });
});
