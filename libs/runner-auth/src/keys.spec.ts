import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { RunnerAuthError } from './errors';
import { generateRunnerKeyPair, jwkThumbprint, keyIdOf, loadPublicKey } from './keys';

describe('jwkThumbprint', () => {
  it('computes the RFC 7638 section 3.1 example thumbprint', () => {
    const jwk = {
      kty: 'RSA',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn6' +
        '4tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9' +
        '1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('depends only on the required members, not on their order or on other members', () => {
    const a = { kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' };
    const b = { y: 'def', use: 'sig', x: 'abc', kid: 'whatever', crv: 'P-256', kty: 'EC' };
    expect(jwkThumbprint(a)).toBe(jwkThumbprint(b));
    expect(jwkThumbprint(a)).not.toBe(jwkThumbprint({ ...a, y: 'deg' }));
  });

  it('rejects a key type it does not know, or a JWK missing a required member', () => {
    expect(() => jwkThumbprint({ kty: 'oct', k: 'secret' })).toThrow(expect.objectContaining({ reason: 'invalid_key' }));
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'abc' })).toThrow('the JWK has no "y"');
  });
});

describe('generateRunnerKeyPair', () => {
  it('returns a P-256 private key in PKCS#8 PEM, its public key in SPKI PEM, and the public key’s thumbprint as kid', () => {
    const pair = generateRunnerKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const publicKey = createPublicKey(pair.publicKeyPem);
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(pair.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.kid).toBe(jwkThumbprint(publicKey.export({ format: 'jwk' })));
  });

  it('derives the same kid from the private key, the public key, or a key object', () => {
    const pair = generateRunnerKeyPair();
    expect(keyIdOf(pair.privateKeyPem)).toBe(pair.kid);
    expect(keyIdOf(pair.publicKeyPem)).toBe(pair.kid);
    expect(keyIdOf(createPublicKey(pair.publicKeyPem))).toBe(pair.kid);
    expect(keyIdOf(createPrivateKey(pair.privateKeyPem))).toBe(pair.kid);
  });

  it('generates a different key every time', () => {
    expect(generateRunnerKeyPair().kid).not.toBe(generateRunnerKeyPair().kid);
  });
});

describe('loadPublicKey', () => {
  it('refuses keys that are not P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ed = generateKeyPairSync('ed25519').publicKey;
    for (const key of [rsa, p384, ed]) expect(() => loadPublicKey(key)).toThrow(RunnerAuthError);
    expect(() => loadPublicKey(p384)).toThrow('runner keys are ECDSA P-256 (ES256), got ec secp384r1');
  });

  it('refuses what is not a PEM key', () => {
    expect(() => loadPublicKey('hello')).toThrow(expect.objectContaining({ reason: 'invalid_key', message: 'not a PEM key' }));
  });
});
