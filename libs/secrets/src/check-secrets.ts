import type { CheckType, FieldProblem } from '@vigil/contracts';
import { checkSecretPaths, isMasked, isObject, mapSecrets, maskSecret, valueAt, withValueAt } from './paths';

type JsonObject = Record<string, unknown>;

/** The parts of an http(s) URL target: `scheme://`, the userinfo (without `@`) and the rest. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

/**
 * A target fit to show: a URL's password (or, without one, its user, which is then the token)
 * masked like every other secret. `https://bot:s3cr3t-pass@host/` → `https://bot:••••pass@host/`.
 */
export function maskTarget(target: string): string {
  const match = USERINFO.exec(target);
  if (match === null) return target;
  const [whole, scheme, userinfo] = match;
  const colon = userinfo.indexOf(':');
  const masked = colon === -1 ? maskSecret(userinfo) : `${userinfo.slice(0, colon)}:${maskSecret(userinfo.slice(colon + 1))}`;
  return `${scheme}${masked}@${target.slice(whole.length)}`;
}

/** A target without its userinfo: what alerts, titles and logs name (`https://host/`). */
export function targetWithoutUserinfo(target: string): string {
  return target.replace(USERINFO, '$1');
}

export function hasUserinfo(target: string): boolean {
  return USERINFO.test(target);
}

/** A copy of a check spec fit to answer with: every secret header masked. */
export function maskCheckSpec(type: CheckType, spec: unknown): JsonObject {
  return mapSecrets(spec, checkSecretPaths(type, spec), maskSecret);
}

/**
 * Puts the stored secret headers back where a client sent their masks (it read the check and
 * sent its spec back). A mask that is not the stored secret's is a problem: storing it would
 * replace the secret with its mask. `kept` lists the paths restored.
 */
export function restoreMaskedCheckSecrets(
  type: CheckType,
  spec: unknown,
  stored: unknown,
): { spec: JsonObject; kept: string[]; problems: FieldProblem[] } {
  let restored: JsonObject = isObject(spec) ? spec : {};
  const kept: string[] = [];
  const problems: FieldProblem[] = [];
  for (const path of checkSecretPaths(type, restored)) {
    const sent = valueAt(restored, path);
    if (!isMasked(sent)) continue;
    const secret = valueAt(stored, path);
    const field = ['spec', ...path].join('.');
    if (typeof secret === 'string' && maskSecret(secret) === sent) {
      restored = withValueAt(restored, path, secret);
      kept.push(field);
    } else problems.push({ field, message: 'is a masked value that matches no stored secret; send the whole secret' });
  }
  return { spec: restored, kept, problems };
}

/**
 * A check's target moving while its secret headers are kept (the spec not sent, or sent with
 * masks) would send those credentials to the new target: one problem per header to resend.
 */
export function checkSecretsKeptForNewTarget(
  type: CheckType,
  storedSpec: unknown,
  patchSpec: unknown,
  kept: readonly string[],
): FieldProblem[] {
  const paths = patchSpec === undefined ? checkSecretPaths(type, storedSpec).map((path) => ['spec', ...path].join('.')) : kept;
  return paths.map((field) => ({ field, message: 'must be sent again in full: target changes where this secret is sent' }));
}
