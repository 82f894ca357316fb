import { ConfigError } from '@vigil/config';
import { createRunnerSigner, type RunnerSigner } from '@vigil/runner-auth';
import type { RunnerConfig } from './config';

/**
 * The runner's token signer, tried once: a key that is PEM but not the P-256 key a runner
 * is given (an RSA key, say) is a configuration error at start, not a failure at each poll.
 */
export function runnerSigner(config: Pick<RunnerConfig, 'VIGIL_RUNNER_SLUG' | 'VIGIL_RUNNER_KEY' | 'VIGIL_RUNNER_KEY_FILE'>): RunnerSigner {
  const variable = config.VIGIL_RUNNER_KEY_FILE === undefined ? 'VIGIL_RUNNER_KEY' : 'VIGIL_RUNNER_KEY_FILE';
  try {
    const signer = createRunnerSigner({ slug: config.VIGIL_RUNNER_SLUG, privateKeyPem: config.VIGIL_RUNNER_KEY });
    signer.sign();
    return signer;
  } catch {
    throw new ConfigError([`${variable} must be the runner's EC P-256 private key, as \`vigil runners create\` printed it`]);
  }
}
