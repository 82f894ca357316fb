import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The prefix of a sealed value: `enc:v1:<kid>:<base64(iv | tag | ciphertext)>`. */
export const SEALED_PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9+/]+={0,2})$/;

/** A secret could not be opened: unknown key id, wrong key, or a damaged value. Never carries the secret. */
export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

export interface DataKey {
  /** Derived from the key (not secret): which key sealed a value, so rotation can find the old one. */
  readonly kid: string;
  readonly key: Buffer;
}

/** A new random data key, base64 (what `VIGIL_SECRET_KEY` and `secret.key` hold). */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A data key from its base64 text; throws on anything but 32 bytes (the text is never echoed). */
export function parseSecretKey(text: string): DataKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new SecretKeyError(`a secret key must be ${KEY_BYTES} random bytes in base64 (44 characters), e.g. the output of \`vigil secret-key generate\``);
  }
  return { kid: createHash('sha256').update('vigil-secret-key-id').update(key).digest('hex').slice(0, 8), key };
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/**
 * The current data key, which seals, and the previous ones, which only open (during a rotation).
 * AES-256-GCM: a value that was changed, or sealed under another key, does not open.
 */
export class SecretKeyring {
  readonly current: DataKey;
  private readonly byKid: ReadonlyMap<string, DataKey>;

  constructor(current: DataKey, previous: readonly DataKey[] = []) {
    this.current = current;
    this.byKid = new Map([...previous, current].map((key) => [key.kid, key]));
  }

  static fromText(current: string, previous: readonly string[] = []): SecretKeyring {
    return new SecretKeyring(parseSecretKey(current), previous.map(parseSecretKey));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    // The key id is authenticated too: a value cannot be relabelled to another key.
    cipher.setAAD(Buffer.from(this.current.kid));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${this.current.kid}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64')}`;
  }

  /** The plaintext of a sealed value; a value stored in clear (from before encryption) as is. */
  open(value: string): string {
    if (!isSealed(value)) return value;
    const match = SEALED.exec(value);
    if (match === null) throw new SecretKeyError('a sealed secret is damaged');
    const [, kid, payload] = match;
    const key = this.byKid.get(kid);
    if (key === undefined) {
      throw new SecretKeyError(`a secret is sealed under key ${kid}, which is neither VIGIL_SECRET_KEY nor in VIGIL_SECRET_KEY_PREVIOUS`);
    }
    const bytes = Buffer.from(payload, 'base64');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError('a sealed secret is damaged');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(kid));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(`a secret sealed under key ${kid} does not open: the key or the value is wrong`);
    }
  }

  /** Whether a stored value should be sealed again: in clear, or under a previous key. */
  needsReseal(value: string): boolean {
    return !isSealed(value) || !value.startsWith(`${SEALED_PREFIX}${this.current.kid}:`);
  }
}
