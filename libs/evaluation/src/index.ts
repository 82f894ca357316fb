export { evaluatePending, type EvaluatePendingOptions, type EvaluationCounts } from './evaluate-pending';
export { evaluateCheck, type CheckEvaluation, type EvaluateCheckOptions, type EvaluationLogger } from './evaluate-check';
export { checkStatusOf, worstStatus, STATUS_SEVERITY_ORDER } from './status-projection';
export { evaluatorOptionsFrom, startEvaluator, type EvaluatorService, type EvaluatorServiceOptions, type EvaluatorSettings } from './evaluator-service';
export { closeRetiredChecks, type CloseRetiredOptions } from './close-retired';
export { DEFAULT_RUNNER_OFFLINE_AFTER_MS, RUNNERS_SITE, sweepRunners, type RunnerSweepOptions } from './runner-offline';
