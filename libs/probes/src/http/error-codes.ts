import { storableText } from '../text';

/** Longest `error` text a probe reports for a network error. */
export const MAX_ERROR_MESSAGE_LENGTH = 500;

// A code as Node and got write them: ECONNREFUSED, CERT_HAS_EXPIRED, ERR_TOO_MANY_REDIRECTS…
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

// got's own codes that say less than a name of ours.
const RENAMED: Record<string, string> = {
  ERR_ABORTED: 'ABORTED',
  ERR_GOT_REQUEST_ERROR: 'REQUEST_FAILED',
};

function property(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * The short `error_code` of a failed request: `ETIMEDOUT` for any of got's timeouts, `ABORTED`
 * when the run was cancelled, otherwise the error's own code (`ECONNREFUSED`, `ENOTFOUND`,
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TOO_MANY_REDIRECTS`…), or `REQUEST_FAILED` without one.
 */
export function errorCodeOf(error: unknown): string {
  if (property(error, 'name') === 'TimeoutError') return 'ETIMEDOUT';
  const code = property(error, 'code');
  if (typeof code !== 'string' || !CODE.test(code)) return 'REQUEST_FAILED';
  return RENAMED[code] ?? code;
}

/** The readable `error` of a failed request, trimmed and storable. */
export function errorMessageOf(error: unknown): string {
  const message = property(error, 'message');
  const text = typeof message === 'string' && message.trim() !== '' ? message.trim() : String(error);
  return storableText(text, MAX_ERROR_MESSAGE_LENGTH);
}
