import type { Logger } from '@vigil/logger';

/**
 * A write the spool's disk refused (ENOSPC, EACCES, EROFS, EDQUOT, EFBIG…): the results of
 * the append from the first one not written on were dropped; `kept` were written before it.
 */
export class SpoolWriteError extends Error {
  constructor(
    message: string,
    /** The errno code, such as `ENOSPC`, when the system gave one. */
    readonly code: string | undefined,
    /** Results of the append written before the failure: they stay in the spool. */
    readonly kept: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SpoolWriteError';
  }
}

export interface WriteFailures {
  /** A write failed: logged if it starts an episode. */
  failed(error: unknown): void;
  /** A write went through: ends the episode, if one was going on. */
  succeeded(): void;
}

/**
 * One error line when writes to the spool start failing and one line when they work again,
 * however many batches fail in between: a full disk would otherwise log once per report.
 */
export function trackWriteFailures(logger: Logger, dir: string): WriteFailures {
  let failing = false;
  return {
    failed(error) {
      if (failing) return;
      failing = true;
      logger.error(
        `cannot write to the spool in ${dir}: ${errorMessage(error)}; results the controller cannot take are dropped until the spool can be written again`,
        { dir, code: errorCode(error) },
      );
    },
    succeeded() {
      if (!failing) return;
      failing = false;
      logger.info(`the spool in ${dir} can be written again`, { dir });
    },
  };
}

/** The errno code of a failed fs call (`ENOSPC`…), if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

// Not `instanceof Error`: errors from node's fs may come from another realm (as under Jest).
export function errorMessage(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}
