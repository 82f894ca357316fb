export { evaluatePending, type EvaluatePendingOptions, type EvaluationCounts } from './evaluate-pending';
export { evaluateCheck, type CheckEvaluation, type EvaluateCheckOptions } from './evaluate-check';
export type { EvaluationLogger, Plan, PlanWriter, Step } from './plan';
export { checkStatusOf } from './status-projection';
export { evaluatorOptionsFrom, startEvaluator, type EvaluatorService, type EvaluatorServiceOptions, type EvaluatorSettings } from './evaluator-service';
export { closeRetiredChecks, type CloseRetiredOptions } from './close-retired';
export { RUNNERS_SITE, sweepRunners, type RunnerSweepOptions } from './runner-offline';
export { sweepFreshness, type FreshnessSweepOptions } from './freshness-sweep';
export { backfillRollups, type BackfillRollupsOptions, type BackfillRollupsResult } from './backfill-rollups';
