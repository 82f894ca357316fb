import { allowedBadFraction } from './errors';

/** The two figures of a window the SLO arithmetic needs (`computeUptime` of @vigil/uptime gives them). */
export interface BadTime {
  /** Confirmed downtime outside maintenance and unknown spells. */
  readonly downMs: number;
  /** The monitored part of the window, less maintenance and unknown spells. */
  readonly monitoredMs: number;
}

/**
 * An error budget over the SLO window: the bad time the objective allows over the time that was
 * monitored, what was used, and what is left. `remaining*` goes negative once the objective is
 * missed; the fractions are null when nothing was monitored (no budget to speak of).
 */
export interface ErrorBudget {
  readonly allowedMs: number;
  readonly consumedMs: number;
  readonly remainingMs: number;
  /** consumed / allowed: 1 means exactly spent, above 1 overspent. */
  readonly consumedFraction: number | null;
  /** 1 − consumedFraction: 1 untouched, 0 spent, negative overspent. */
  readonly remainingFraction: number | null;
  readonly allowedMinutes: number;
  readonly consumedMinutes: number;
  readonly remainingMinutes: number;
}

const MINUTE_MS = 60_000;

/**
 * The error budget of `targetPct` (e.g. 99.9) for a window's figures: allowed = (1 − target) ×
 * monitored. Measured against the monitored time, not the calendar, so that it agrees with
 * availability: remaining ≥ 0 exactly when availability (1 − down / monitored) ≥ target.
 */
export function errorBudget(figures: BadTime, targetPct: number): ErrorBudget {
  const allowedMs = allowedBadFraction(targetPct) * figures.monitoredMs;
  const consumedMs = figures.downMs;
  const remainingMs = allowedMs - consumedMs;
  const consumedFraction = allowedMs > 0 ? consumedMs / allowedMs : null;
  return {
    allowedMs,
    consumedMs,
    remainingMs,
    consumedFraction,
    remainingFraction: consumedFraction === null ? null : 1 - consumedFraction,
    allowedMinutes: allowedMs / MINUTE_MS,
    consumedMinutes: consumedMs / MINUTE_MS,
    remainingMinutes: remainingMs / MINUTE_MS,
  };
}

/**
 * How fast a window spends the budget: its bad fraction (down / monitored) over the fraction the
 * objective allows (1 − target). 1 spends exactly the budget over the SLO window; 14.4 spends a
 * 30-day budget in 50 hours. Null when nothing of the window was monitored.
 */
export function burnRate(figures: BadTime, targetPct: number): number | null {
  const allowed = allowedBadFraction(targetPct);
  if (figures.monitoredMs <= 0) return null;
  return figures.downMs / figures.monitoredMs / allowed;
}
