export { backoffDelayMs, type BackoffPolicy } from './backoff';
export { startWorkerLoop, type StepOutcome, type WorkerLoop, type WorkerLoopOptions } from './worker-loop';
