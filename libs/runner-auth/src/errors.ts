/**
 * Why a runner token was rejected (or a signer/verifier could not be set up), as a stable,
 * loggable code. Every attack the verifier knows has its own code.
 */
export type RunnerAuthReason =
  /** No `Authorization: Bearer` token at all. */
  | 'missing_token'
  /** Not three base64url parts with JSON objects for header and payload, or too long. */
  | 'malformed'
  /** `alg: none`: an unsigned token. */
  | 'alg_none'
  /** An HMAC algorithm (HS256…), e.g. signed with the public key used as a shared secret. */
  | 'alg_hmac'
  /** Any other algorithm than ES256. */
  | 'alg_not_allowed'
  /** No `kid` in the header. */
  | 'missing_kid'
  /** No runner has a key with this `kid`. */
  | 'unknown_kid'
  /** The runner owning this key is revoked. */
  | 'revoked'
  /** The signature does not match the key named by `kid`: another key signed it, or it was altered. */
  | 'bad_signature'
  /** `aud` is not `vigil-controller`. */
  | 'wrong_audience'
  /** `sub` is not the slug of the runner that owns the key. */
  | 'subject_mismatch'
  /** A required claim (`sub`, `iat`, `exp`, `jti`) is missing or of the wrong type, or `exp <= iat`. */
  | 'invalid_claims'
  /** `exp` is past, beyond the allowed clock skew. */
  | 'expired'
  /** `iat` or `nbf` is in the future, beyond the allowed clock skew. */
  | 'not_yet_valid'
  /** `exp - iat` exceeds the maximum lifetime (5 minutes). */
  | 'lifetime_too_long'
  /** Key material that is not a P-256 key, or that does not match its key id. */
  | 'invalid_key'
  /** Signer or verifier options out of range. Thrown when they are created, never by `verify`. */
  | 'invalid_config';

/** The one error type of this lib. Map it to 401 (or to a start-up failure for `invalid_config`/`invalid_key`). */
export class RunnerAuthError extends Error {
  override readonly name = 'RunnerAuthError';

  constructor(
    readonly reason: RunnerAuthReason,
    message: string,
  ) {
    super(message);
  }
}
