export { RunnerAuthError, type RunnerAuthReason } from './errors';
export { RUNNER_AUDIENCE, RUNNER_TOKEN_ALGORITHM, MAX_TOKEN_LIFETIME_SECONDS } from './constants';
export { generateRunnerKeyPair, jwkThumbprint, keyIdOf, type RunnerKeyPair } from './keys';
export { createRunnerSigner, type RunnerSignerOptions, type RunnerSigner } from './sign';
export {
  createRunnerVerifier,
  bearerToken,
  type RunnerKeyRecord,
  type RunnerKeyLookup,
  type RunnerVerifierOptions,
  type RunnerVerifier,
  type VerifiedRunner,
} from './verify';
