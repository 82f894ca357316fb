import type { ReportedResult } from '@vigil/contracts';

/**
 * Results the controller has not acknowledged yet, oldest first. The reporter appends a
 * batch it could not deliver, and replays from the front: `peek`, send, then `remove`
 * what was acknowledged. A result is removed only after the controller answered for it,
 * so a crash between the two sends it again, which reports' idempotency makes harmless.
 */
export interface Spool {
  /**
   * Appends `results` after everything held. Beyond the bound, the results that do not fit
   * are refused (and the spool logs it once per episode); returns how many were kept.
   */
  append(results: readonly ReportedResult[]): Promise<number>;
  /** Up to `max` of the oldest results, left in place. */
  peek(max: number): Promise<ReportedResult[]>;
  /** Drops the `count` oldest results (a prefix of what `peek` returned). */
  remove(count: number): Promise<void>;
  /** How many results are held. */
  size(): number;
  /** Releases files; the spool's contents stay for the next start. */
  close(): Promise<void>;
}
