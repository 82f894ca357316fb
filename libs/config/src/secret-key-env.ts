import { readFileSync } from 'node:fs';
import { parseSecretKey } from '@vigil/secrets';
import { z } from 'zod';
import { EnvField, filePath, shown } from './fields';

const KEY_HINT = 'must be 32 random bytes in base64 (make one with `vigil secret-key generate`)';

/** A data key in base64: checked here so a pasted-wrong key stops the process at start (never echoed). */
function secretKey(): EnvField<string> {
  return new EnvField((value) => {
    try {
      parseSecretKey(value);
      return { ok: true, value };
    } catch {
      return { ok: false, problem: KEY_HINT };
    }
  });
}

/** Previous data keys, comma-separated: they only open values during a rotation. */
function secretKeyList(): EnvField<string[]> {
  return new EnvField((value) => {
    const keys = value.split(',').map((key) => key.trim()).filter((key) => key !== '');
    const bad = keys.findIndex((key) => {
      try {
        parseSecretKey(key);
        return false;
      } catch {
        return true;
      }
    });
    return bad === -1 ? { ok: true, value: keys } : { ok: false, problem: `has a key (number ${bad + 1}) that ${KEY_HINT}` };
  });
}

/**
 * The data key that encrypts channel and check secrets at rest, given inline or as a file
 * (Docker and Kubernetes secrets are files). Unset: the embedded database's `secret.key` in
 * the data dir (generated on first start); PostgreSQL requires one (the service says how).
 */
export const secretKeyEnv = z
  .object({
    VIGIL_SECRET_KEY: secretKey().optional(),
    VIGIL_SECRET_KEY_FILE: filePath().optional(),
    VIGIL_SECRET_KEY_PREVIOUS: secretKeyList().default([]),
  })
  .transform(({ VIGIL_SECRET_KEY, VIGIL_SECRET_KEY_FILE, VIGIL_SECRET_KEY_PREVIOUS }, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, path: [] });
      return z.NEVER;
    };
    if (VIGIL_SECRET_KEY !== undefined && VIGIL_SECRET_KEY_FILE !== undefined) {
      return fail('VIGIL_SECRET_KEY and VIGIL_SECRET_KEY_FILE are both set; set only one');
    }
    if (VIGIL_SECRET_KEY_FILE === undefined) return { VIGIL_SECRET_KEY, VIGIL_SECRET_KEY_PREVIOUS };
    let contents: string;
    try {
      contents = readFileSync(VIGIL_SECRET_KEY_FILE, 'utf8').trim();
    } catch (error) {
      return fail(`VIGIL_SECRET_KEY_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'} (got ${shown(VIGIL_SECRET_KEY_FILE)})`);
    }
    try {
      parseSecretKey(contents);
    } catch {
      return fail(`VIGIL_SECRET_KEY_FILE ${KEY_HINT} (file ${shown(VIGIL_SECRET_KEY_FILE)})`);
    }
    return { VIGIL_SECRET_KEY: contents, VIGIL_SECRET_KEY_PREVIOUS };
  });

export type SecretKeyConfig = z.output<typeof secretKeyEnv>;
