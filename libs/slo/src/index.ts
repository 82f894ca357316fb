export { allowedBadFraction, checkTarget, checkWindowDays, SLO_WINDOW_DAYS_MAX, SLO_WINDOW_DAYS_MIN, SloInputError } from './errors';
export { type BadTime, burnRate, errorBudget, type ErrorBudget } from './budget';
export {
  type BurnDecision,
  type BurnRule,
  type BurnRuleName,
  type BurnSeverity,
  type BurnTier,
  burnRules,
  decideBurn,
  DISPLAY_WINDOWS,
  type DisplayWindowName,
  REFERENCE_WINDOW_DAYS,
  SHORT_WINDOW_RATIO,
} from './policy';
export { assessSlo, historyStart, type SloAssessment, type SloHistory, type SloObjective } from './assess';
