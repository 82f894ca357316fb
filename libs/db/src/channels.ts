// The NOTIFY channels services wake each other with (see Database.listen). A wake-up is a
// hint: every listener also polls.

/** Results were stored: the evaluator has work. Sent by the runner API's ingest. */
export const RESULTS_CHANNEL = 'vigil_results';

/** Outbox rows were written: the notifier has work. Sent by the evaluator. */
export const OUTBOX_CHANNEL = 'vigil_outbox';
