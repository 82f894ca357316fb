import { computeUptime, type UptimeFigures, type UptimeInterval } from '@vigil/uptime';
import { type BadTime, burnRate, errorBudget, type ErrorBudget } from './budget';
import { checkTarget, checkWindowDays, SloInputError } from './errors';
import { burnRules, type BurnDecision, decideBurn, DISPLAY_WINDOWS, type DisplayWindowName } from './policy';

const DAY_MS = 86_400_000;

/** A site's objective: `sites.slo_target_pct` over `sites.slo_window_days`. */
export interface SloObjective {
  readonly targetPct: number;
  readonly windowDays: number;
}

/**
 * A site's history as availability counts it (the same intervals the status page and the reports
 * give `computeUptime`): confirmed `down` events, maintenance, unknown spells.
 */
export interface SloHistory {
  readonly intervals: readonly UptimeInterval[];
  /** When the site's first check was created; null if it never had one. */
  readonly monitoredSince: number | null;
}

/** Everything the API shows and the burn-rate job decides on, at one instant. */
export interface SloAssessment {
  readonly objective: SloObjective;
  /** The SLO window, [now − window days, now). */
  readonly window: { readonly from: number; readonly to: number };
  /** Availability over the SLO window (ratio null: nothing monitored). */
  readonly availability: UptimeFigures;
  readonly budget: ErrorBudget;
  /** Burn rate over each of the fixed display windows (null: nothing monitored). */
  readonly burnRates: Readonly<Record<DisplayWindowName, number | null>>;
  readonly decision: BurnDecision;
}

/** How far back `assessSlo` reads: the SLO window, and never less than the longest display window. */
export function historyStart(objective: SloObjective, now: number): number {
  checkWindowDays(objective.windowDays);
  return now - Math.max(objective.windowDays * DAY_MS, ...Object.values(DISPLAY_WINDOWS));
}

/**
 * Availability, error budget, burn rates and the burn-rate decision of an objective at `now`
 * (pure). `alertOpen` says whether a burn alert is open already (the decision's hysteresis).
 * `history` must cover [historyStart(objective, now), now).
 */
export function assessSlo(history: SloHistory, objective: SloObjective, now: number, alertOpen: boolean): SloAssessment {
  checkTarget(objective.targetPct);
  checkWindowDays(objective.windowDays);
  if (!Number.isFinite(now)) throw new SloInputError(`now must be a finite time in epoch milliseconds, got ${now}`);
  const figuresOver = (ms: number): UptimeFigures => computeUptime(history.intervals, { from: now - ms, to: now }, history.monitoredSince);
  const burnOver = (ms: number): number | null => burnRate(figuresOver(ms) satisfies BadTime, objective.targetPct);

  const windowMs = objective.windowDays * DAY_MS;
  const availability = figuresOver(windowMs);
  const burnRates = Object.fromEntries(Object.entries(DISPLAY_WINDOWS).map(([name, ms]) => [name, burnOver(ms)])) as Record<DisplayWindowName, number | null>;
  return {
    objective,
    window: { from: now - windowMs, to: now },
    availability,
    budget: errorBudget(availability, objective.targetPct),
    burnRates,
    decision: decideBurn(burnRules(objective.windowDays), burnOver, alertOpen),
  };
}
