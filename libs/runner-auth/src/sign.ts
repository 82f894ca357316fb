import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { MAX_TOKEN_LIFETIME_SECONDS, RUNNER_AUDIENCE, RUNNER_TOKEN_ALGORITHM } from './constants';
import { RunnerAuthError } from './errors';
import { loadPublicKey } from './keys';

export interface RunnerSignerOptions {
  /** The runner's slug (`us-1`): the tokens' `sub`. */
  readonly slug: string;
  /** The runner's private key (PKCS#8 or SEC1 PEM) as the controller returned it. */
  readonly privateKeyPem: string;
  /** Token lifetime in seconds, at most 300 (the default). */
  readonly lifetimeSeconds?: number;
  /** A token is reused until this many seconds before it expires (default 30). */
  readonly renewBeforeSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  readonly clock?: () => number;
}

export interface RunnerSigner {
  readonly slug: string;
  readonly kid: string;
  /** The current token: reused until shortly before it expires, then replaced. Use for every request. */
  token(): string;
  /** A new token, never reused. */
  sign(): string;
}

function invalid(message: string): RunnerAuthError {
  return new RunnerAuthError('invalid_config', message);
}

/**
 * The runner side: signs short-lived ES256 JWTs (`sub` = slug, `aud` = `vigil-controller`,
 * `kid` = the key's thumbprint, `iat`, `exp`, `jti`) with `jsonwebtoken`.
 * Throws {@link RunnerAuthError} (`invalid_config`, `invalid_key`) for unusable options.
 */
export function createRunnerSigner(options: RunnerSignerOptions): RunnerSigner {
  const { slug, lifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS, renewBeforeSeconds = 30, clock = Date.now } = options;
  if (typeof slug !== 'string' || slug.trim() === '') throw invalid('a runner needs a slug');
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw invalid(`lifetimeSeconds must be a whole number from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}, got ${lifetimeSeconds}`);
  }
  if (!Number.isFinite(renewBeforeSeconds) || renewBeforeSeconds < 0 || renewBeforeSeconds >= lifetimeSeconds) {
    throw invalid(`renewBeforeSeconds must be from 0 to below the lifetime (${lifetimeSeconds}), got ${renewBeforeSeconds}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(options.privateKeyPem);
  } catch {
    throw new RunnerAuthError('invalid_key', 'the runner key is not a private key in PEM');
  }
  const { kid } = loadPublicKey(privateKey);

  let current: string | null = null;
  let renewAtMs = 0;

  const sign = (): string => {
    const now = clock();
    const iat = Math.floor(now / 1000);
    const exp = iat + lifetimeSeconds;
    const token = jwt.sign({ sub: slug, aud: RUNNER_AUDIENCE, iat, exp, jti: randomUUID() }, privateKey, {
      algorithm: RUNNER_TOKEN_ALGORITHM,
      keyid: kid,
    });
    current = token;
    renewAtMs = (exp - renewBeforeSeconds) * 1000;
    return token;
  };

  return {
    slug,
    kid,
    sign,
    token: () => (current !== null && clock() < renewAtMs ? current : sign()),
  };
}
