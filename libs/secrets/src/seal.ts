import type { ChannelType, CheckType } from '@vigil/contracts';
import type { SecretKeyring } from './keyring';
import { channelSecretPaths, checkSecretPaths, mapSecrets, type SecretPath, valueAt } from './paths';

type JsonObject = Record<string, unknown>;

/**
 * Seal, open and reseal the secrets inside a channel config or a check spec: only the secret
 * values change, so everything else stays queryable and readable as JSON.
 */
export interface SecretSealer {
  /** Seals every secret of a config whose secrets are all plaintext (as a client sent them, or opened). */
  seal(config: unknown): JsonObject;
  open(config: unknown): JsonObject;
  /** Every secret under the current key; `changed` says whether anything needs writing. */
  reseal(config: unknown): { config: JsonObject; changed: boolean };
}

function sealerFor(keyring: SecretKeyring, paths: (config: unknown) => SecretPath[]): SecretSealer {
  return {
    // Every value is plaintext here, even one that looks sealed: a client could send
    // `enc:v1:…` as a secret, and storing it as is would make the channel unreadable.
    seal: (config) => mapSecrets(config, paths(config), (value) => keyring.seal(value)),
    open: (config) => mapSecrets(config, paths(config), (value) => keyring.open(value)),
    reseal: (config) => {
      const changed = paths(config).some((path) => {
        const value = valueAt(config, path);
        return typeof value === 'string' && keyring.needsReseal(value);
      });
      const resealed = mapSecrets(config, paths(config), (value) => (keyring.needsReseal(value) ? keyring.seal(keyring.open(value)) : value));
      return { config: changed ? resealed : (config as JsonObject), changed };
    },
  };
}

export function channelSealer(keyring: SecretKeyring, type: ChannelType): SecretSealer {
  return sealerFor(keyring, (config) => channelSecretPaths(type, config));
}

export function checkSealer(keyring: SecretKeyring, type: CheckType): SecretSealer {
  return sealerFor(keyring, (spec) => checkSecretPaths(type, spec));
}
