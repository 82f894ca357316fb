import { QuorumConfigError, type QuorumConfigField } from './errors';
import { parseLocationsThreshold, requiredLocations, type LocationsThreshold } from './threshold';

/** A check's quorum settings, as stored (see DESIGN.md, "Data model": checks). */
export interface QuorumConfig {
  /** The check's assigned locations (runner slugs, `@controller`). Resolve "all active runners" before calling. */
  readonly locations: readonly string[];
  /** Consecutive failures after which a location is failing. */
  readonly failingThreshold: number;
  /** Consecutive passes after which a failing location has recovered. */
  readonly passingThreshold: number;
  /** Failing locations that confirm an outage: a count (`2`), a percent (`'66%'`) or a parsed threshold. */
  readonly failingLocationsThreshold: number | string | LocationsThreshold;
  /** A location whose latest result is older than this (or inconclusive, or that never reported) is stale: `freshForMs(check)` for a stored check. */
  readonly staleAfterMs: number;
}

/** A validated {@link QuorumConfig}: build it once per check configuration, evaluate with it many times. */
export interface QuorumPolicy {
  readonly locations: readonly string[];
  readonly assigned: ReadonlySet<string>;
  readonly failingThreshold: number;
  readonly passingThreshold: number;
  readonly threshold: LocationsThreshold;
  /** Failing locations needed to confirm an outage (the threshold resolved against the locations). */
  readonly required: number;
  readonly staleAfterMs: number;
}

function positiveInteger(field: QuorumConfigField, value: number): number {
  if (!Number.isInteger(value)) throw new QuorumConfigError(field, 'not_an_integer', `must be a whole number, got ${value}`);
  if (value < 1) throw new QuorumConfigError(field, 'not_positive', `must be at least 1, got ${value}`);
  return value;
}

/** Validates a configuration; throws {@link QuorumConfigError} saying what is wrong. */
export function createQuorumPolicy(config: QuorumConfig): QuorumPolicy {
  const locations = [...config.locations];
  if (locations.length === 0) throw new QuorumConfigError('locations', 'no_locations', 'a check needs at least one location');
  const assigned = new Set(locations);
  if (assigned.size !== locations.length) {
    const duplicate = locations.find((l, i) => locations.indexOf(l) !== i);
    throw new QuorumConfigError('locations', 'duplicate_location', `"${duplicate}" is listed twice`);
  }
  const failingThreshold = positiveInteger('failingThreshold', config.failingThreshold);
  const passingThreshold = positiveInteger('passingThreshold', config.passingThreshold);
  if (!Number.isFinite(config.staleAfterMs)) {
    throw new QuorumConfigError('staleAfterMs', 'not_finite', `must be a finite number of milliseconds, got ${config.staleAfterMs}`);
  }
  if (config.staleAfterMs <= 0) throw new QuorumConfigError('staleAfterMs', 'not_positive', `must be above 0, got ${config.staleAfterMs}`);
  const threshold = parseLocationsThreshold(config.failingLocationsThreshold);
  const required = requiredLocations(threshold, locations.length);
  return Object.freeze({
    locations: Object.freeze(locations),
    assigned,
    failingThreshold,
    passingThreshold,
    threshold,
    required,
    staleAfterMs: config.staleAfterMs,
  });
}
