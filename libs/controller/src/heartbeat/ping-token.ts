import { randomBytes } from 'node:crypto';
import { PING_TOKEN_BYTES } from '@vigil/contracts';

/** A new ping token: 192 random bits, base64url (URL-safe, no padding). */
export function newPingToken(): string {
  return randomBytes(PING_TOKEN_BYTES).toString('base64url');
}

/** Where a token is pinged: `publicUrl` (VIGIL_PUBLIC_URL) + `/ping/<token>`, or the path alone. */
export function pingUrlOf(token: string, publicUrl: string | undefined): string {
  return `${(publicUrl ?? '').replace(/\/+$/, '')}/ping/${token}`;
}
