import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSecretKey, SecretKeyring } from './keyring';
import { loadSecretKeyring, MissingSecretKeyError } from './load-keyring';

describe('loadSecretKeyring', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-keyring-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uses the configured key and previous keys, for either database', async () => {
    const key = generateSecretKey();
    const old = generateSecretKey();
    const { keyring, created } = await loadSecretKeyring({ key, previous: [old], dataDir: dir, embedded: false });
    expect(created).toBeUndefined();
    expect(keyring.open(SecretKeyring.fromText(old).seal('x'))).toBe('x');
    expect(keyring.current.kid).toBe(SecretKeyring.fromText(key).current.kid);
  });

  it('refuses to start on PostgreSQL without a key, saying how to make one', async () => {
    await expect(loadSecretKeyring({ dataDir: dir, embedded: false })).rejects.toThrow(MissingSecretKeyError);
    await expect(loadSecretKeyring({ dataDir: dir, embedded: false })).rejects.toThrow(/vigil secret-key generate/);
  });

  it('generates secret.key for the embedded database once, then keeps it; a .next key opens too', async () => {
    const first = await loadSecretKeyring({ dataDir: dir, embedded: true });
    expect(first.created).toBe(path.join(dir, 'secret.key'));
    const again = await loadSecretKeyring({ dataDir: dir, embedded: true });
    expect(again.created).toBeUndefined();
    expect(again.keyring.current.kid).toBe(first.keyring.current.kid);
    const next = generateSecretKey();
    await writeFile(path.join(dir, 'secret.key.next'), next, { mode: 0o600 });
    const during = await loadSecretKeyring({ dataDir: dir, embedded: true });
    expect(during.keyring.open(SecretKeyring.fromText(next).seal('y'))).toBe('y');
  });
});
