export { backoffDelayMs, type BackoffPolicy } from './backoff';
export { startWorkerLoop, type StepOutcome, type WorkerLoop, type WorkerLoopOptions } from './worker-loop';
export {
  CONSECUTIVE_FAILURES_METRIC,
  createSweepHealth,
  LAST_SUCCESS_METRIC,
  type LoopHealth,
  type SweepHealth,
  type SweepHealthOptions,
  type SweepStatus,
} from './sweep-health';
