export { startRunnerAgent, type PollMode, type RunnerAgent, type RunnerAgentOptions } from './agent';
export { createBackoff, type Backoff } from './backoff';
export { type ControllerLink, LinkError, type LinkFailure } from './link/controller-link';
export { createHttpLink, type HttpLinkOptions } from './link/http-link';
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
export { heapAdvice, RUNNER_MAX_OLD_SPACE_MB } from './heap';
