import { createHash, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { RunnerAuthError } from './errors';

/** A runner's key pair as the controller creates it. Show `privateKeyPem` once; store the rest. */
export interface RunnerKeyPair {
  /** PKCS#8 PEM. Returned once to the operator, never stored by the controller. */
  readonly privateKeyPem: string;
  /** SPKI PEM, stored with the runner. */
  readonly publicKeyPem: string;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: the `kid` of the runner's tokens. */
  readonly kid: string;
}

/** Generates an ES256 (ECDSA on P-256) key pair for a runner. */
export function generateRunnerKeyPair(): RunnerKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    kid: jwkThumbprint(publicKey.export({ format: 'jwk' })),
  };
}

// RFC 7638 section 3.2: the required members of each key type.
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 thumbprint of a public JWK: SHA-256 over the JSON of its required members in
 * lexicographic order without whitespace, base64url-encoded. Other members are ignored.
 */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = REQUIRED_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new RunnerAuthError('invalid_key', `cannot take the thumbprint of a "${jwk.kty}" key`);
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') throw new RunnerAuthError('invalid_key', `the JWK has no "${name}"`);
    canonical[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/**
 * Reads a P-256 public key (or derives it from a private key) and computes its key id.
 * Throws {@link RunnerAuthError} `invalid_key` for anything else.
 */
export function loadPublicKey(pem: string | KeyObject): { readonly key: KeyObject; readonly kid: string } {
  let key: KeyObject;
  try {
    key = typeof pem !== 'string' && pem.type === 'public' ? pem : createPublicKey(pem);
  } catch {
    throw new RunnerAuthError('invalid_key', 'not a PEM key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new RunnerAuthError('invalid_key', `runner keys are ECDSA P-256 (ES256), got ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
  }
  return { key, kid: jwkThumbprint(key.export({ format: 'jwk' })) };
}

/** The key id (RFC 7638 thumbprint) of a P-256 public key, or of the public half of a private key. */
export function keyIdOf(pem: string | KeyObject): string {
  return loadPublicKey(pem).kid;
}
