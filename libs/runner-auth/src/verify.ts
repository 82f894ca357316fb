import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { MAX_TOKEN_LIFETIME_SECONDS, RUNNER_AUDIENCE, RUNNER_TOKEN_ALGORITHM } from './constants';
import { RunnerAuthError, type RunnerAuthReason } from './errors';
import { loadPublicKey } from './keys';

/** What the controller stores about the runner that owns a key id. */
export interface RunnerKeyRecord {
  readonly slug: string;
  readonly publicKeyPem: string;
  readonly revoked: boolean;
}

/** Finds a runner by key id; null when no runner has that key. Errors propagate as they are (they are not auth failures). */
export type RunnerKeyLookup = (kid: string) => Promise<RunnerKeyRecord | null>;

export interface RunnerVerifierOptions {
  readonly lookupKey: RunnerKeyLookup;
  /** Tolerated clock difference with runners, in seconds (default 30, at most 300). */
  readonly clockSkewSeconds?: number;
  /** Longest accepted `exp - iat`, in seconds (default and maximum 300). */
  readonly maxLifetimeSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly clock?: () => number;
}

/** Who a valid token authenticates. Times are in seconds since the epoch, as in the token. */
export interface VerifiedRunner {
  readonly slug: string;
  readonly kid: string;
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface RunnerVerifier {
  /** Resolves with the runner, or rejects with a {@link RunnerAuthError} whose `reason` says why. */
  verify(token: string): Promise<VerifiedRunner>;
}

const MAX_TOKEN_LENGTH = 4096;
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const KEY_CACHE_LIMIT = 1000;
/** Tokens whose signature was checked: a runner reuses one for minutes, and sends a few requests a second. */
const SIGNATURE_CACHE_LIMIT = 1000;

function reject(reason: RunnerAuthReason, message: string): never {
  throw new RunnerAuthError(reason, message);
}

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return reject('malformed', `the ${what} is not base64url JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return reject('malformed', `the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A value from the token, safe to put in a log message: quoted, escaped, shortened. */
const quote = (v: string): string => JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v);

/** The token of an `Authorization: Bearer <token>` header; rejects with `missing_token` otherwise. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '');
  if (match === null) return reject('missing_token', 'expected "Authorization: Bearer <token>"');
  return match[1];
}

/**
 * The controller side. Checks, in this order, each with its own reason: the token's shape,
 * the algorithm (pinned to ES256: `none` and HMAC are refused before any key is looked up),
 * the `kid`, the runner (known, not revoked), the signature (with `jsonwebtoken`, algorithms
 * pinned), then the claims: audience, subject = the key's runner, lifetime, not before, expiry.
 */
export function createRunnerVerifier(options: RunnerVerifierOptions): RunnerVerifier {
  const { lookupKey, clockSkewSeconds = 30, maxLifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS, clock = Date.now } = options;
  if (!Number.isFinite(clockSkewSeconds) || clockSkewSeconds < 0 || clockSkewSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new RunnerAuthError('invalid_config', `clockSkewSeconds must be from 0 to ${MAX_TOKEN_LIFETIME_SECONDS}, got ${clockSkewSeconds}`);
  }
  if (!Number.isFinite(maxLifetimeSeconds) || maxLifetimeSeconds < 1 || maxLifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new RunnerAuthError('invalid_config', `maxLifetimeSeconds must be from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}, got ${maxLifetimeSeconds}`);
  }

  // Parsing a PEM and hashing its JWK costs more than a verification; runners are few.
  const keys = new Map<string, { readonly key: KeyObject; readonly kid: string }>();
  const keyFor = (pem: string, kid: string): KeyObject => {
    let loaded = keys.get(pem);
    if (loaded === undefined) {
      loaded = loadPublicKey(pem);
      if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
      keys.set(pem, loaded);
    }
    if (loaded.kid !== kid) reject('invalid_key', `the stored key for kid ${kid} has another thumbprint`);
    return loaded.key;
  };

  // Token → the key its signature was checked against. The signature of a given token under a
  // given key never changes, and checking it (ES256) was the largest part of authenticating a
  // request; the runner is still looked up (revocation) and the claims judged every time.
  const signed = new Map<string, KeyObject>();
  const checkSignature = (token: string, key: KeyObject, kid: string, slug: string): void => {
    if (signed.get(token) === key) return;
    try {
      jwt.verify(token, key, { algorithms: [RUNNER_TOKEN_ALGORITHM], ignoreExpiration: true, ignoreNotBefore: true });
    } catch {
      reject('bad_signature', `the signature does not match the key ${kid} of runner ${slug}`);
    }
    // Oldest first out: the tokens in use are the latest few of each runner.
    if (signed.size >= SIGNATURE_CACHE_LIMIT) signed.delete(signed.keys().next().value as string);
    signed.set(token, key);
  };

  async function verify(token: string): Promise<VerifiedRunner> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !SHAPE.test(token)) {
      reject('malformed', 'a token is three base64url parts separated by dots');
    }
    const [headerPart, payloadPart] = token.split('.');
    const header = decodePart(headerPart, 'header');
    const payload = decodePart(payloadPart, 'payload');

    const alg = header['alg'];
    if (typeof alg !== 'string') reject('malformed', 'the header has no "alg"');
    if (alg.toLowerCase() === 'none') reject('alg_none', 'unsigned tokens ("alg": "none") are refused');
    if (/^HS/i.test(alg)) reject('alg_hmac', `HMAC tokens ("alg": ${quote(alg)}) are refused: runners sign with ES256`);
    if (alg !== RUNNER_TOKEN_ALGORITHM) reject('alg_not_allowed', `"alg": ${quote(alg)} is not allowed, only ES256`);
    const kid = header['kid'];
    if (typeof kid !== 'string' || kid === '') reject('missing_kid', 'the header has no "kid"');

    const runner = await lookupKey(kid);
    if (runner === null) reject('unknown_kid', `no runner has the key ${quote(kid)}`);
    if (runner.revoked) reject('revoked', `runner ${runner.slug} is revoked`);
    checkSignature(token, keyFor(runner.publicKeyPem, kid), kid, runner.slug);

    const { aud, sub, iat, exp, nbf, jti } = payload;
    if (aud !== RUNNER_AUDIENCE && !(Array.isArray(aud) && aud.includes(RUNNER_AUDIENCE))) {
      reject('wrong_audience', `the audience is not ${RUNNER_AUDIENCE}`);
    }
    if (typeof sub !== 'string' || !isTime(iat) || !isTime(exp) || typeof jti !== 'string' || jti === '' || exp <= iat) {
      reject('invalid_claims', 'sub, iat, exp (after iat) and jti are required');
    }
    if (nbf !== undefined && !isTime(nbf)) reject('invalid_claims', 'nbf is not a time');
    if (sub !== runner.slug) reject('subject_mismatch', `the key ${kid} belongs to runner ${runner.slug}, not ${quote(sub)}`);
    if (exp - iat > maxLifetimeSeconds) reject('lifetime_too_long', `the token lives ${exp - iat} s, more than ${maxLifetimeSeconds} s`);
    const now = clock() / 1000;
    if (iat > now + clockSkewSeconds || (nbf !== undefined && nbf > now + clockSkewSeconds)) {
      reject('not_yet_valid', 'the token is not valid yet');
    }
    if (now >= exp + clockSkewSeconds) reject('expired', 'the token has expired');
    return { slug: runner.slug, kid, jti, issuedAt: iat, expiresAt: exp };
  }

  return { verify };
}
