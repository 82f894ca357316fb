export { LifecycleError, type LifecycleErrorReason } from './errors';
export {
  EVENT_TYPES,
  EVENT_SEVERITIES,
  RESOLUTION_REASONS,
  eventKindOf,
  compareSeverity,
  parseEventType,
  parseEventSeverity,
  parseResolutionReason,
  type EventType,
  type EventSeverity,
  type ResolutionReason,
  type EventKind,
  type EventState,
} from './types';
export {
  TRANSITION_REASONS,
  isMutation,
  foldTransition,
  type TransitionReason,
  type NotificationKind,
  type SuppressReason,
  type TransitionRecord,
  type OpenTransition,
  type UpgradeTransition,
  type CloseTransition,
  type Mutation,
  type SuppressTransition,
  type NoTransition,
  type Transition,
  type LifecycleContext,
} from './transition';
export { decideOutage, decideOutageSteps, observeOutage, type OutageObservation } from './outage';
export {
  decideCertificate,
  certificateSeverity,
  DEFAULT_CERTIFICATE_THRESHOLDS,
  type CertificateThresholds,
} from './certificate';
export { closeEvent, type AdministrativeReason } from './close';
export { decideRunner } from './runner';
export { decideSloBurn, retireSloBurn, type SloBurnSeverity } from './slo';
export { decideUnknown, type UnknownObservation } from './unknown';
export { replayTransitions } from './replay';
export { SITE_STATUSES, worstStatus, type SiteStatus } from './site-status';
