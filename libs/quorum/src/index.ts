export { QuorumConfigError, type QuorumConfigField, type QuorumConfigReason } from './errors';
export { parseLocationsThreshold, requiredLocations, type LocationsThreshold } from './threshold';
export { createQuorumPolicy, type QuorumConfig, type QuorumPolicy } from './policy';
export { freshForMs, freshUntilMs, FRESHNESS_GRACE_MS, type FreshnessSchedule } from './freshness';
export {
  initialLocationState,
  recordResult,
  outcomeOf,
  isFresh,
  isDegraded,
  locationStatus,
  type LocationState,
  type LocationStatus,
  type ResultOutcome,
} from './location-state';
export { evaluateQuorum, type CheckStatus, type QuorumVerdict } from './verdict';
