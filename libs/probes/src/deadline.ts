import { storableText } from './text';
import type { ProbeResult } from './types';

/** Milliseconds since `startedAt` (a `performance.now()` reading), rounded to 0.1 ms. */
export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

export interface DeadlineOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The answer once `timeoutMs` has passed without one. */
  onTimeout: () => ProbeResult;
  /** Runs exactly once, right after the answer is settled: destroy sockets, cancel queries. */
  cleanup: () => void;
}

/**
 * Runs `start`, which calls `finish` with its result, and answers with the first of: that result,
 * `onTimeout()` once `timeoutMs` has passed, or `ABORTED` when `signal` aborts. Never rejects
 * (a throw from `start` becomes an `INTERNAL_ERROR` result) and never waits past the deadline;
 * later calls to `finish` are ignored.
 */
export function withDeadline(options: DeadlineOptions, start: (finish: (result: ProbeResult) => void) => void): Promise<ProbeResult> {
  const { timeoutMs, signal, onTimeout, cleanup } = options;
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      try {
        cleanup();
      } finally {
        resolve(result);
      }
    };
    const onAbort = (): void => finish({ ok: false, error_code: 'ABORTED', error: 'the probe was aborted' });
    const timer = setTimeout(() => finish(onTimeout()), Math.max(0, timeoutMs));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      start(finish);
    } catch (error) {
      finish({ ok: false, error_code: 'INTERNAL_ERROR', error: storableText(String(error), 2000) });
    }
  });
}

/** A node network or TLS error as a failed result: its code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…) and message. */
export function networkFailure(error: unknown, fields: Partial<ProbeResult> = {}): ProbeResult {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...fields,
    ok: false,
    error_code: typeof code === 'string' && code.length > 0 ? storableText(code, 64) : 'NETWORK_ERROR',
    error: storableText(message, 2000),
  };
}
