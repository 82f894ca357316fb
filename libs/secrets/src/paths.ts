import { type ChannelType, type CheckType, SECRET_MASK_PREFIX } from '@vigil/contracts';
import { isSecretHeaderName } from '@vigil/logger';

type JsonObject = Record<string, unknown>;
export type SecretPath = readonly string[];

/** Below this length, the last 4 characters would give away too much of a secret. */
const SHORTEST_WITH_TAIL = 8;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueAt(config: unknown, path: SecretPath): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), config);
}

/** A copy of `config` with `value` at `path` (the original is left untouched). */
export function withValueAt(config: JsonObject, path: SecretPath, value: unknown): JsonObject {
  const [key, ...rest] = path;
  const child = config[key];
  return { ...config, [key]: rest.length === 0 ? value : withValueAt(isObject(child) ? child : {}, rest, value) };
}

function secretHeaderPaths(config: unknown): SecretPath[] {
  const headers = valueAt(config, ['headers']);
  return isObject(headers) ? Object.keys(headers).filter(isSecretHeaderName).map((name) => ['headers', name]) : [];
}

/** The paths of the secret values a channel config of `type` holds. */
export function channelSecretPaths(type: ChannelType, config: unknown): SecretPath[] {
  switch (type) {
    case 'webhook':
      return [['secret'], ...secretHeaderPaths(config)];
    case 'slack':
      return [['webhook_url']];
    case 'email':
      return [['smtp', 'password']];
    case 'pagerduty':
      return [['routing_key']];
  }
}

/** The paths of the secret values a check spec holds: an HTTP check's headers named like credentials. */
export function checkSecretPaths(type: CheckType, spec: unknown): SecretPath[] {
  return type === 'http' ? secretHeaderPaths(spec) : [];
}

/** `••••` and the last 4 characters, or only `••••` for a short secret. */
export function maskSecret(secret: string): string {
  return secret.length >= SHORTEST_WITH_TAIL ? `${SECRET_MASK_PREFIX}${secret.slice(-4)}` : SECRET_MASK_PREFIX;
}

export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(SECRET_MASK_PREFIX);
}

/** A copy of `config` with the string at each path replaced by `change(value)`. */
export function mapSecrets(config: unknown, paths: readonly SecretPath[], change: (value: string) => string): JsonObject {
  let result: JsonObject = isObject(config) ? config : {};
  for (const path of paths) {
    const value = valueAt(result, path);
    if (typeof value === 'string') result = withValueAt(result, path, change(value));
  }
  return result;
}
