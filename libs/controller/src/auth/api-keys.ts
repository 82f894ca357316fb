import { createHash, randomBytes } from 'node:crypto';
import type { ApiScope } from '@vigil/contracts';
import type { Database, VigilPrisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { Request } from 'express';
import type { ApiKeyPrincipal } from '../http/principal';

/** Every generated key starts with this, so secret scanners can recognise a leaked one. */
export const API_KEY_PREFIX = 'vk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET_LENGTH = 40;
const SHOWN_LENGTH = API_KEY_PREFIX.length + 6;
const MAX_KEY_LENGTH = 512;

export interface GeneratedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  /** Its first characters, kept to recognise it in listings. */
  prefix: string;
  hash: string;
}

/** `vk_` and 40 base62 characters (about 238 bits), from the system's CSPRNG. */
export function generateApiKey(): GeneratedApiKey {
  let secret = '';
  while (secret.length < SECRET_LENGTH) {
    for (const byte of randomBytes(SECRET_LENGTH)) {
      // 248 = 4 × 62: bytes above it are dropped so that every character is equally likely.
      if (byte < 248 && secret.length < SECRET_LENGTH) secret += BASE62[byte % 62];
    }
  }
  const key = `${API_KEY_PREFIX}${secret}`;
  return { key, prefix: apiKeyPrefix(key), hash: hashApiKey(key) };
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, SHOWN_LENGTH);
}

/** SHA-256, hex. Keys are long random strings, so a fast hash is enough (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const RANK: Record<ApiScope, number> = { read: 1, write: 2, admin: 3 };

/** The 403 for a key whose scopes fall short; it names the key for the audit log (never sent to the client). */
export class ScopeRefusedError extends HttpError {
  constructor(
    message: string,
    readonly principal: ApiKeyPrincipal,
  ) {
    super(403, 'forbidden', message);
  }
}

/** Scopes are levels: `admin` may do what `write` may, `write` what `read` may. */
export function scopeAllows(scopes: readonly ApiScope[], needed: ApiScope): boolean {
  return scopes.some((scope) => RANK[scope] >= RANK[needed]);
}

export async function createApiKey(
  prisma: VigilPrisma,
  input: { name: string; scopes: readonly ApiScope[]; expiresAt?: Date | null },
): Promise<{ key: string; record: Awaited<ReturnType<VigilPrisma['apiKey']['create']>> }> {
  const generated = generateApiKey();
  const record = await prisma.apiKey.create({
    data: { name: input.name, prefix: generated.prefix, hash: generated.hash, scopes: [...input.scopes], expiresAt: input.expiresAt ?? null },
  });
  return { key: generated.key, record };
}

const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Authenticates `Authorization: Bearer <API key>`: 401 when the key is missing, unknown,
 * revoked or expired, 403 when its scopes do not cover the route's. `last_used_at` is
 * written at most once a minute per key and instance, so reads stay reads.
 */
export function apiKeyAuthenticator(db: Pick<Database, 'prisma'>): (req: Request, scope: ApiScope) => Promise<ApiKeyPrincipal> {
  const lastWritten = new Map<number, number>();
  return async (req, scope) => {
    const match = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (match === null) throw HttpError.unauthorized('Send an API key as "Authorization: Bearer vk_…"');
    const key = match[1];
    if (key.length > MAX_KEY_LENGTH) throw HttpError.unauthorized('The API key is not valid');
    const record = await db.prisma.apiKey.findUnique({ where: { hash: hashApiKey(key) } });
    if (record === null) throw HttpError.unauthorized('The API key is not valid');
    if (record.revokedAt !== null) throw HttpError.unauthorized('The API key has been revoked');
    const now = Date.now();
    if (record.expiresAt !== null && record.expiresAt.getTime() <= now) throw HttpError.unauthorized('The API key has expired');
    const scopes = record.scopes as ApiScope[];
    if (!scopeAllows(scopes, scope)) {
      throw new ScopeRefusedError(
        `This route needs the "${scope}" scope; the key "${record.name}" has ${scopes.map((s) => `"${s}"`).join(', ') || 'none'}`,
        { kind: 'api-key', keyId: record.id, keyUuid: record.uuid, name: record.name, scopes },
      );
    }
    if (now - (lastWritten.get(record.id) ?? 0) >= LAST_USED_WRITE_INTERVAL_MS) {
      lastWritten.set(record.id, now);
      await db.prisma.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date(now) } });
    }
    return { kind: 'api-key', keyId: record.id, keyUuid: record.uuid, name: record.name, scopes };
  };
}
