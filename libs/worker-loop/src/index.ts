export { startWorkerLoop, type StepOutcome, type WorkerLoop, type WorkerLoopOptions } from './worker-loop';
