import { QuorumConfigError } from './errors';

/**
 * How many of a check's locations must be failing for the check to be down:
 * an absolute count (`2`) or a percent of the assigned locations (`66%`).
 */
export type LocationsThreshold =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'percent'; readonly value: number };

const PERCENT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;
const COUNT = /^\s*(\d+)\s*$/;

/**
 * Reads a threshold as written in configuration or the API: a number is a count,
 * `"2"` is a count, `"66%"` is a percent. The value is checked by {@link requiredLocations}.
 */
export function parseLocationsThreshold(input: number | string | LocationsThreshold): LocationsThreshold {
  if (typeof input === 'object') return input;
  if (typeof input === 'number') return { kind: 'count', value: input };
  const percent = PERCENT.exec(input);
  if (percent) return { kind: 'percent', value: Number(percent[1]) };
  const count = COUNT.exec(input);
  if (count) return { kind: 'count', value: Number(count[1]) };
  throw new QuorumConfigError('failingLocationsThreshold', 'unparseable', `"${input}" is neither a count ("2") nor a percent ("66%")`);
}

// Below this, a product like 70 * 10 / 100 = 7.000000000000001 is taken as the integer it means.
const EPSILON = 1e-9;

/**
 * The number of failing locations that confirms an outage, for `locationCount` assigned
 * locations. A percent is rounded up (66% of 3 → 2), never 0, never more than the locations.
 * Throws {@link QuorumConfigError} for a threshold of 0, a percent over 100, or a count
 * larger than the number of locations.
 */
export function requiredLocations(threshold: LocationsThreshold, locationCount: number): number {
  const field = 'failingLocationsThreshold';
  if (!Number.isInteger(locationCount) || locationCount < 1) {
    throw new QuorumConfigError('locations', 'no_locations', `a check needs at least one location, got ${locationCount}`);
  }
  const { value } = threshold;
  if (threshold.kind === 'count') {
    if (!Number.isInteger(value)) throw new QuorumConfigError(field, 'not_an_integer', `a count must be a whole number, got ${value}`);
    if (value < 1) throw new QuorumConfigError(field, 'not_positive', `at least one failing location is required, got ${value}`);
    if (value > locationCount) {
      throw new QuorumConfigError(field, 'more_than_assigned', `${value} failing locations required but only ${locationCount} assigned`);
    }
    return value;
  }
  if (!Number.isFinite(value)) throw new QuorumConfigError(field, 'not_finite', `a percent must be a finite number, got ${value}`);
  if (value <= 0) throw new QuorumConfigError(field, 'not_positive', `a percent must be above 0, got ${value}%`);
  if (value > 100) throw new QuorumConfigError(field, 'percent_over_100', `a percent cannot exceed 100, got ${value}%`);
  const required = Math.ceil((value * locationCount) / 100 - EPSILON);
  return Math.min(locationCount, Math.max(1, required));
}
