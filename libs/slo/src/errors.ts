/** Bad input to the SLO arithmetic: a target outside (0, 100), a window outside 1..365 days, a time that is not finite. */
export class SloInputError extends Error {
  override readonly name = 'SloInputError';
}

/** The bounds the database enforces too (`sites_slo_target_pct_range`, `sites_slo_window_days_range`). */
export const SLO_WINDOW_DAYS_MIN = 1;
export const SLO_WINDOW_DAYS_MAX = 365;

/** Refuses a target that is not a percentage strictly between 0 and 100 (99.9 is "three nines"). */
export function checkTarget(targetPct: number): void {
  if (!Number.isFinite(targetPct) || targetPct <= 0 || targetPct >= 100) {
    throw new SloInputError(`an SLO target is a percentage strictly between 0 and 100 (e.g. 99.9), got ${targetPct}`);
  }
}

/** Refuses a window that is not a whole number of days in 1..365. */
export function checkWindowDays(windowDays: number): void {
  if (!Number.isInteger(windowDays) || windowDays < SLO_WINDOW_DAYS_MIN || windowDays > SLO_WINDOW_DAYS_MAX) {
    throw new SloInputError(`an SLO window is a whole number of days from ${SLO_WINDOW_DAYS_MIN} to ${SLO_WINDOW_DAYS_MAX}, got ${windowDays}`);
  }
}

/** The error rate the objective allows: 1 − target, computed as (100 − pct) / 100. */
export function allowedBadFraction(targetPct: number): number {
  checkTarget(targetPct);
  return (100 - targetPct) / 100;
}
