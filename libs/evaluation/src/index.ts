export { evaluatePending, type EvaluatePendingOptions, type EvaluationCounts } from './evaluate-pending';
export { evaluateCheck, type CheckEvaluation, type EvaluateCheckOptions } from './evaluate-check';
export type { EvaluationLogger, Plan, PlanWriter, Step } from './plan';
export { checkStatusOf } from './status-projection';
export { evaluatorOptionsFrom, startEvaluator, type EvaluatorService, type EvaluatorServiceOptions, type EvaluatorSettings } from './evaluator-service';
export { closeRetiredChecks, type CloseRetiredOptions } from './close-retired';
export { RUNNERS_SITE, sweepRunners, type RunnerSweepOptions } from './runner-offline';
export {
  FRESHNESS_FULL_PASS_MS,
  FRESHNESS_WINDOW_MARGIN_MS,
  freshnessSweeper,
  sweepFreshness,
  type FreshnessPass,
  type FreshnessSweepCounts,
  type FreshnessSweepOptions,
} from './freshness-sweep';
export { judgeHeartbeat, lateRunId, sweepHeartbeats, type HeartbeatSweepOptions } from './heartbeat-sweep';
export { backfillRollups, type BackfillRollupsOptions, type BackfillRollupsResult } from './backfill-rollups';
export { DEFAULT_SLO_INTERVAL_MS, sweepSlo, type SloSweepOptions } from './slo-sweep';
