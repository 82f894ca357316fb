import path from 'node:path';
import { readKeyFile, readOrCreateDataDirKey, SECRET_KEY_FILE } from './key-file';
import { SecretKeyring } from './keyring';

/** The key a rotation of the embedded `secret.key` writes before it reseals (see rotate). */
export const NEXT_SECRET_KEY_FILE = `${SECRET_KEY_FILE}.next`;

/** A service that shares PostgreSQL was given no data key: it cannot guess one, nor make one for the others. */
export class MissingSecretKeyError extends Error {
  override readonly name = 'MissingSecretKeyError';
  constructor() {
    super(
      'VIGIL_SECRET_KEY (or VIGIL_SECRET_KEY_FILE) is required with DATABASE_URL: it encrypts channel and check secrets in the database. ' +
        'Make one with `vigil secret-key generate` (or `openssl rand -base64 32`) and give the same key to the controller API, the notifier and the all-in-one.',
    );
  }
}

export interface SecretKeySource {
  /** VIGIL_SECRET_KEY (or the contents of VIGIL_SECRET_KEY_FILE). */
  readonly key?: string;
  /** VIGIL_SECRET_KEY_PREVIOUS. */
  readonly previous?: readonly string[];
  readonly dataDir: string;
  /** The embedded database (no DATABASE_URL): its key may live beside it in the data dir. */
  readonly embedded: boolean;
}

/**
 * The keyring a service encrypts with: the configured key, or for the embedded database the data
 * dir's `secret.key` (generated on the first start; `created` says so). A `secret.key.next` left by
 * an interrupted rotation opens too, so values it sealed are not lost (they are resealed at start).
 */
export async function loadSecretKeyring(source: SecretKeySource): Promise<{ keyring: SecretKeyring; created?: string }> {
  const previous = [...(source.previous ?? [])];
  if (source.embedded) {
    const next = await readKeyFile(path.join(source.dataDir, NEXT_SECRET_KEY_FILE));
    if (next !== undefined) previous.push(next);
  }
  if (source.key !== undefined) return { keyring: SecretKeyring.fromText(source.key, previous) };
  if (!source.embedded) throw new MissingSecretKeyError();
  const file = await readOrCreateDataDirKey(source.dataDir);
  return { keyring: SecretKeyring.fromText(file.key, previous), ...(file.created && { created: file.file }) };
}
