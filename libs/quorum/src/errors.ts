/** Which part of a quorum configuration is wrong. */
export type QuorumConfigField = 'locations' | 'failingThreshold' | 'passingThreshold' | 'failingLocationsThreshold' | 'staleAfterMs';

/** What is wrong with it, as a machine-readable code. */
export type QuorumConfigReason =
  | 'no_locations'
  | 'duplicate_location'
  | 'not_positive'
  | 'not_an_integer'
  | 'not_finite'
  | 'percent_over_100'
  | 'more_than_assigned'
  | 'unparseable';

/** The one error type of this lib: an invalid quorum configuration, rejected when the policy is created. */
export class QuorumConfigError extends Error {
  override readonly name = 'QuorumConfigError';

  constructor(
    readonly field: QuorumConfigField,
    readonly reason: QuorumConfigReason,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
