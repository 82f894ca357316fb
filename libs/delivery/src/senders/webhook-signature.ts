import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Vigil-Timestamp';
export const SIGNATURE_HEADER = 'X-Vigil-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** How old a signed delivery may be before a receiver should refuse it as a replay (5 minutes). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, the X-Vigil-Signature value. */
export function signWebhook(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

export interface VerifyOptions {
  /** How far the timestamp may be from `now`, either way (default 300 s). */
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * For receivers (and tests): whether a delivery was signed with `secret` recently. Pass the body
 * exactly as received, before any JSON parsing. Compares in constant time; a timestamp further
 * than the tolerance from now is refused even when the signature matches, so a captured
 * delivery cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  rawBody: string | Buffer,
  signature: string | undefined,
  options: VerifyOptions = {},
): SignatureCheck {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(signature)) {
    return { valid: false, reason: 'malformed' };
  }
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS)) {
    return { valid: false, reason: 'stale' };
  }
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'mismatch' };
}
