import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';
import { secretKeyEnv } from './secret-key-env';

describe('the secret key settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-config-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const key = Buffer.alloc(32, 1).toString('base64');
  const read = (env: Record<string, string>) => loadConfig(secretKeyEnv, env);

  it('are all optional: the embedded database makes its own key', () => {
    expect(read({})).toEqual({ VIGIL_SECRET_KEY: undefined, VIGIL_SECRET_KEY_PREVIOUS: [] });
  });

  it('read the key from VIGIL_SECRET_KEY_FILE, trimmed', () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    expect(read({ VIGIL_SECRET_KEY_FILE: file })).toEqual({ VIGIL_SECRET_KEY: key, VIGIL_SECRET_KEY_PREVIOUS: [] });
  });

  it('refuse a file that holds no key, and a previous key that is none, without echoing either', () => {
    const file = join(dir, 'wrong.key');
    writeFileSync(file, 'hunter2-is-not-a-key\n');
    expect(() => read({ VIGIL_SECRET_KEY_FILE: file })).toThrow(ConfigError);
    expect(() => read({ VIGIL_SECRET_KEY_FILE: file })).toThrow(/VIGIL_SECRET_KEY_FILE must be 32 random bytes/);
    expect(() => read({ VIGIL_SECRET_KEY_FILE: file })).not.toThrow(/hunter2/);
    expect(() => read({ VIGIL_SECRET_KEY_PREVIOUS: `${key},hunter2` })).toThrow(/has a key \(number 2\)/);
    expect(() => read({ VIGIL_SECRET_KEY_PREVIOUS: `${key},hunter2` })).not.toThrow(/hunter2/);
  });
});
