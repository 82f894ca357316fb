import { loggingWriter } from './log-plan';
import type { EvaluationLogger, PlanWriter } from './plan';
import type { Transaction } from '@vigil/db';
import { databaseWriter } from './write-plan';

export interface WriterOptions {
  /** `VIGIL_DB_WRITES=off`: log the plan, write nothing. */
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  readonly now: () => Date;
}

/** The writer for the mode: the database writer in the caller's transaction, or read-only mode's logging writer. */
export function planWriter(tx: Transaction, options: WriterOptions): PlanWriter {
  return options.readOnly ? loggingWriter(options.logger) : databaseWriter(tx, options);
}
