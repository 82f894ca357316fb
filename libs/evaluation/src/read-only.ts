import type { EvaluationLogger } from './evaluate-check';

/** Runs one write, or in read-only mode logs it with what it would have been instead. */
export type Write = (write: string, fields: Record<string, unknown>, run: () => Promise<unknown>) => Promise<void>;

/** The line a write skipped in read-only mode leaves: which write, for which check, and its fields. */
export function logSkipped(logger: EvaluationLogger, checkUuid: string, write: string, fields: Record<string, unknown>): void {
  logger.info('read-only: write skipped', { write, check: checkUuid, ...fields });
}

/** The one gate every evaluator write goes through (`VIGIL_DB_WRITES=off`). */
export function writer(options: { readOnly: boolean; logger: EvaluationLogger }, checkUuid: string): Write {
  return async (write, fields, run) => {
    if (options.readOnly) {
      logSkipped(options.logger, checkUuid, write, fields);
      return;
    }
    await run();
  };
}
