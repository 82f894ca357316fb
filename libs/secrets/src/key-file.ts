import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { generateSecretKey } from './keyring';

/** The data key of an embedded database, beside it in the data dir. */
export const SECRET_KEY_FILE = 'secret.key';

/**
 * Writes `text` to `file` readable by its owner only: a temp file (0600 from its creation, so the
 * key is never readable by others even for a moment), then renamed over, so a reader never sees
 * half a key and a crash leaves the old one.
 */
export async function writeKeyFile(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${text}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The key in `file`, trimmed; undefined when there is no such file. */
export async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The key of `<dataDir>/secret.key`, generated (0600) on the first start. */
export async function readOrCreateDataDirKey(dataDir: string): Promise<{ key: string; created: boolean; file: string }> {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return { key: existing, created: false, file };
  const key = generateSecretKey();
  await writeKeyFile(file, key);
  return { key, created: true, file };
}
