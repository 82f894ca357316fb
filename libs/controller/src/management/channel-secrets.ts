import { isDeepStrictEqual } from 'node:util';
import { type ChannelType, type FieldProblem, SECRET_MASK_PREFIX } from '@vigil/contracts';
import { channelSecretPaths, maskSecret } from '@vigil/secrets';

type JsonObject = Record<string, unknown>;
type Path = readonly string[];

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(config: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), config);
}

/** The paths of the secret values a config of `type` holds (the rule lives in @vigil/secrets). */
export function secretPaths(type: ChannelType, config: unknown): Path[] {
  return channelSecretPaths(type, config);
}

/**
 * Where a channel of each type sends its secrets. Changing one of these moves the secrets to a
 * new receiver, so it needs them resent (a write key must not redirect a credential it cannot read).
 * Slack's destination is its secret, and PagerDuty's is the notifier's setting.
 */
const DESTINATION_PATHS: Readonly<Record<ChannelType, readonly Path[]>> = {
  webhook: [['url']],
  slack: [],
  email: [['smtp', 'host'], ['smtp', 'port'], ['smtp', 'secure'], ['smtp', 'username'], ['smtp', 'require_tls']],
  pagerduty: [],
};

/**
 * The secrets a patch keeps (by omitting them or sending their masks) while it changes where the
 * channel sends them: one problem per secret to resend, naming the destination fields that change.
 */
export function secretsKeptForNewDestination(type: ChannelType, stored: unknown, patched: unknown, patch: unknown): FieldProblem[] {
  const moved = DESTINATION_PATHS[type].filter((path) => !isDeepStrictEqual(valueAt(stored, path), valueAt(patched, path)));
  if (moved.length === 0) return [];
  const movedFields = moved.map((path) => ['config', ...path].join('.')).join(', ');
  return secretPaths(type, patched)
    .filter((path) => {
      const sent = valueAt(patch, path);
      const resent = typeof sent === 'string' && !sent.startsWith(SECRET_MASK_PREFIX);
      return !resent && typeof valueAt(patched, path) === 'string' && typeof valueAt(stored, path) === 'string';
    })
    .map((path) => ({
      field: ['config', ...path].join('.'),
      message: `must be sent again in full: ${movedFields} changes where this secret is sent`,
    }));
}

export { maskSecret };

function withValueAt(config: JsonObject, path: Path, value: unknown): JsonObject {
  const [key, ...rest] = path;
  const child = config[key];
  return { ...config, [key]: rest.length === 0 ? value : withValueAt(isObject(child) ? child : {}, rest, value) };
}

/** A copy of `config` fit to answer with: every secret masked. */
export function maskChannelConfig(type: ChannelType, config: unknown): JsonObject {
  let masked: JsonObject = isObject(config) ? config : {};
  for (const path of secretPaths(type, masked)) {
    const secret = valueAt(masked, path);
    if (typeof secret === 'string') masked = withValueAt(masked, path, maskSecret(secret));
  }
  return masked;
}

/**
 * Puts the stored secrets back where a client sent their masks (it read the config and
 * sent it back). A masked value that is not the mask of the stored secret is a problem:
 * storing it would replace a secret with its own mask.
 */
export function restoreMaskedSecrets(
  type: ChannelType,
  config: JsonObject,
  stored: unknown,
): { config: JsonObject; problems: FieldProblem[] } {
  let restored = config;
  const problems: FieldProblem[] = [];
  for (const path of secretPaths(type, config)) {
    const sent = valueAt(config, path);
    if (typeof sent !== 'string' || !sent.startsWith(SECRET_MASK_PREFIX)) continue;
    const secret = valueAt(stored, path);
    if (typeof secret === 'string' && maskSecret(secret) === sent) restored = withValueAt(restored, path, secret);
    else problems.push({ field: ['config', ...path].join('.'), message: 'is a masked value that matches no stored secret; send the whole secret' });
  }
  return { config: restored, problems };
}

/**
 * RFC 7396 JSON merge patch: objects merge key by key, `null` removes a key, anything
 * else replaces. Built with Object.fromEntries so a `__proto__` key stays a plain key.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const merged = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, mergePatch(merged.get(key), value));
  }
  return Object.fromEntries(merged);
}
