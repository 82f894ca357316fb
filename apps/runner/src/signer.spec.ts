import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@vigil/config';
import { runnerSigner } from './signer';

const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

describe("the runner's signer", () => {
  it('signs with the P-256 key it was given', () => {
    const key = pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const signer = runnerSigner({ VIGIL_RUNNER_SLUG: 'us-1', VIGIL_RUNNER_KEY: key, VIGIL_RUNNER_KEY_FILE: undefined });
    expect(signer.slug).toBe('us-1');
    expect(signer.token().split('.')).toHaveLength(3);
  });

  it('turns a key of another kind into one configuration line naming the variable', () => {
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    const read = () => runnerSigner({ VIGIL_RUNNER_SLUG: 'us-1', VIGIL_RUNNER_KEY: rsa, VIGIL_RUNNER_KEY_FILE: '/run/secrets/key.pem' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/^Invalid configuration: VIGIL_RUNNER_KEY_FILE must be the runner's EC P-256 private key/);
  });
});
