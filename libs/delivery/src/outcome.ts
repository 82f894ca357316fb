import type { AttemptOutcome } from './types';

/**
 * The most characters of a receiver's answer kept with an attempt: enough for `ok` or an error
 * code, not enough to relay what an internal service answers (delivery records are readable by
 * read keys).
 */
export const MAX_RESPONSE_EXCERPT = 64;

/** The default bound of one attempt, from connecting to the end of the answer. */
export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

export function excerpt(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed.length === 0 ? undefined : trimmed.slice(0, MAX_RESPONSE_EXCERPT);
}

/**
 * Whether a receiver that answered `status` may accept the same request later: timeouts (408),
 * rate limits (429) and server errors (5xx). Any other refusal is final.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Whether an error is a refusal of the egress policy: final, trying again cannot help. */
export function isEgressDenied(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EGRESS_DENIED';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** A failure found before anything was sent (a bad config): trying again cannot help. */
export function refused(error: string): AttemptOutcome {
  return { ok: false, error, retryable: false, durationMs: 0 };
}
