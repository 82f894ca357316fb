import { generateSecretKey, isSealed, parseSecretKey, SecretKeyError, SecretKeyring } from './keyring';

describe('SecretKeyring', () => {
  const current = generateSecretKey();
  const keyring = SecretKeyring.fromText(current);

  it('seals a value as enc:v1:<kid>:… that opens back to it, never twice the same', () => {
    const sealed = keyring.seal('Bearer tok-abcdef');
    expect(sealed).toMatch(new RegExp(`^enc:v1:${keyring.current.kid}:[A-Za-z0-9+/]+=*$`));
    expect(sealed).not.toContain('tok-abcdef');
    expect(keyring.seal('Bearer tok-abcdef')).not.toBe(sealed);
    expect(keyring.open(sealed)).toBe('Bearer tok-abcdef');
    expect(keyring.open(keyring.seal(''))).toBe('');
    expect(keyring.open(keyring.seal('ünïcode ✓'))).toBe('ünïcode ✓');
  });

  it('opens a value stored in clear (from before encryption) as is, and wants it resealed', () => {
    expect(keyring.open('plain-secret')).toBe('plain-secret');
    expect(keyring.needsReseal('plain-secret')).toBe(true);
    expect(keyring.needsReseal(keyring.seal('x'))).toBe(false);
  });

  it('refuses a value sealed under another key, without the value in the message', () => {
    const other = SecretKeyring.fromText(generateSecretKey());
    const sealed = other.seal('smtp-password-1234');
    expect(() => keyring.open(sealed)).toThrow(SecretKeyError);
    expect(() => keyring.open(sealed)).toThrow(/neither VIGIL_SECRET_KEY nor in VIGIL_SECRET_KEY_PREVIOUS/);
  });

  it('refuses a value changed after sealing, or relabelled to another key id', () => {
    const sealed = keyring.seal('routing-key');
    const bytes = Buffer.from(sealed.split(':')[3], 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => keyring.open(`enc:v1:${keyring.current.kid}:${bytes.toString('base64')}`)).toThrow(/does not open/);
    expect(() => keyring.open('enc:v1:zz:abc')).toThrow(/damaged/);
    expect(() => keyring.open(`enc:v1:${keyring.current.kid}:AAAA`)).toThrow(/damaged/);
    // Same bytes under a different (but known) key id: the id is authenticated, so it fails.
    const previous = generateSecretKey();
    const both = SecretKeyring.fromText(current, [previous]);
    const relabelled = sealed.replace(keyring.current.kid, parseSecretKey(previous).kid);
    expect(() => both.open(relabelled)).toThrow(SecretKeyError);
  });

  it('opens values of a previous key during a rotation and reseals them under the current one', () => {
    const old = SecretKeyring.fromText(current);
    const sealedOld = old.seal('webhook-signing-secret');
    const rotated = SecretKeyring.fromText(generateSecretKey(), [current]);
    expect(rotated.open(sealedOld)).toBe('webhook-signing-secret');
    expect(rotated.needsReseal(sealedOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedOld));
    expect(rotated.needsReseal(resealed)).toBe(false);
    expect(() => old.open(resealed)).toThrow(SecretKeyError);
  });

  it('accepts only 32 bytes of base64 as a key, and derives a stable key id', () => {
    expect(() => parseSecretKey('too-short')).toThrow(/32 random bytes/);
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'))).toThrow(SecretKeyError);
    expect(() => parseSecretKey(`${current}!`)).toThrow(SecretKeyError);
    expect(parseSecretKey(`${current}\n`).kid).toBe(parseSecretKey(current).kid);
    expect(parseSecretKey(current).kid).toMatch(/^[0-9a-f]{8}$/);
    expect(isSealed('enc:v1:x')).toBe(true);
    expect(isSealed(42)).toBe(false);
  });
});
