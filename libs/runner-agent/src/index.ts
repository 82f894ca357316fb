export { startRunnerAgent, type PollMode, type RunnerAgent, type RunnerAgentOptions } from './agent';
export { createBackoff, type Backoff } from './backoff';
export { type ControllerLink, LinkError, type LinkFailure } from './link/controller-link';
export { createHttpLink, type HttpLink, type HttpLinkOptions } from './link/http-link';
export { runnerUserAgent } from './user-agent';
export { startOwnLocation, type OwnLocationOptions } from './own-location';
export {
  countSegmentFiles,
  createMemorySpool,
  type MemorySpoolOptions,
  openDiskSpool,
  type DiskSpoolOptions,
  type Spool,
  SpoolLockedError,
  SpoolWriteError,
  warnOfFormerSpool,
} from './spool';
export { heapAdvice, RUNNER_MAX_OLD_SPACE_MB, RUNNER_MAX_SEMI_SPACE_MB, RUNNER_NODE_ARGS } from './heap';
export {
  CONFIRM_DELAY_MS,
  controllerCanary,
  startConnectivityMonitor,
  targetCanary,
  type Canary,
  type CanaryTargetSpec,
  type ConnectivityMonitor,
  type ConnectivityMonitorOptions,
} from './canary/canaries';
export {
  DEFAULT_HYSTERESIS,
  nextConnectivity,
  roundPassed,
  type CanaryOutcome,
  type CanaryRole,
  type ConnectivityState,
  type Hysteresis,
} from './canary/connectivity';
