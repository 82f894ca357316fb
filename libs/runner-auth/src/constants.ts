/** The `aud` of every runner token. */
export const RUNNER_AUDIENCE = 'vigil-controller';
/** The one algorithm runner tokens use: ECDSA on P-256 with SHA-256. */
export const RUNNER_TOKEN_ALGORITHM = 'ES256';
/** The longest a runner token may live (`exp - iat`), in seconds. */
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
