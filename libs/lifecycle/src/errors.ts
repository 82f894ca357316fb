/** What went wrong, as a machine-readable code. */
export type LifecycleErrorReason =
  /** A stored string is not a known event type, severity or resolution reason. */
  | 'unknown_value'
  /** A closed event was passed where an open one is expected: closed events are never mutated. */
  | 'event_closed'
  /** An event of another kind was passed (e.g. a cert_expiring event to the outage decision). */
  | 'wrong_event_kind'
  /** A list of transitions that cannot have been produced by this lifecycle. */
  | 'invalid_history'
  /** Settings that make no sense (e.g. certificate thresholds out of order). */
  | 'invalid_config';

/** The one error type of this lib. It signals a caller's bug or corrupt data, never an outage. */
export class LifecycleError extends Error {
  override readonly name = 'LifecycleError';

  constructor(
    readonly reason: LifecycleErrorReason,
    message: string,
  ) {
    super(message);
  }
}
