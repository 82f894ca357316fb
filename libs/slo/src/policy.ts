import { checkWindowDays } from './errors';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The SLO window the Google SRE workbook's table is written for. */
export const REFERENCE_WINDOW_DAYS = 30;

/** Which of the two paging alerts of the workbook a rule is. */
export type BurnRuleName = 'fast' | 'slow';

/** The event severity an alert opens with: a fast burn is `elevated` (PagerDuty `error`), a slow one `warning`. */
export type BurnSeverity = 'elevated' | 'warning';

/**
 * One multi-window burn-rate alert: it fires when the burn rate over both its long and its short
 * window is above `threshold`, which spends `budgetFraction` of the budget in the long window.
 */
export interface BurnRule {
  readonly name: BurnRuleName;
  readonly threshold: number;
  readonly budgetFraction: number;
  readonly longMs: number;
  readonly shortMs: number;
  readonly severity: BurnSeverity;
}

/**
 * The workbook's paging alerts (chapter "Alerting on SLOs", "Multiwindow, multi-burn-rate alerts"),
 * for a 30-day SLO window:
 *
 * | alert | budget spent | long window | short window | burn rate | severity |
 * |-------|--------------|-------------|--------------|-----------|----------|
 * | fast  | 2 %          | 1 h         | 5 min        | 14.4      | elevated |
 * | slow  | 5 %          | 6 h         | 30 min       | 6         | warning  |
 *
 * For another SLO window of W days the budget fractions and burn rates stay, and the windows scale
 * as the workbook derives them: long = budget fraction × W days / burn rate (1 h × W / 30 and
 * 6 h × W / 30), short = long / 12. A 7-day SLO alerts fast over 14 min and 70 s, a 90-day one over
 * 3 h and 15 min: the alert still means "2 % (or 5 %) of this window's budget gone".
 */
const REFERENCE_RULES: ReadonlyArray<Omit<BurnRule, 'shortMs'>> = [
  { name: 'fast', threshold: 14.4, budgetFraction: 0.02, longMs: HOUR_MS, severity: 'elevated' },
  { name: 'slow', threshold: 6, budgetFraction: 0.05, longMs: 6 * HOUR_MS, severity: 'warning' },
];

/** The short window's share of the long one (the workbook's 1/12). */
export const SHORT_WINDOW_RATIO = 12;

/** The burn-rate alert rules for an SLO window of `windowDays`, fastest first (see the table above). */
export function burnRules(windowDays: number): BurnRule[] {
  checkWindowDays(windowDays);
  return REFERENCE_RULES.map((rule) => {
    const longMs = Math.round((rule.longMs * windowDays) / REFERENCE_WINDOW_DAYS);
    return { ...rule, longMs, shortMs: Math.round(longMs / SHORT_WINDOW_RATIO) };
  });
}

/** The window lengths the API reports burn rates over, whatever the SLO window. */
export const DISPLAY_WINDOWS = {
  '5m': 5 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '6h': 6 * HOUR_MS,
  '3d': 3 * DAY_MS,
} as const;
export type DisplayWindowName = keyof typeof DISPLAY_WINDOWS;

/** One rule as measured now. */
export interface BurnTier {
  readonly rule: BurnRule;
  /** Burn over the long window; null when none of it was monitored. */
  readonly longBurn: number | null;
  readonly shortBurn: number | null;
  /** Both windows above the threshold: the alert opens. */
  readonly firing: boolean;
  /** The short window above the threshold: an open alert stays open. */
  readonly holding: boolean;
}

/** Whether a site's budget is burning fast, and which rule says so. */
export interface BurnDecision {
  readonly burning: boolean;
  /** The most severe rule that keeps it burning (firing first, else holding); null when not burning. */
  readonly rule: BurnRule | null;
  readonly tiers: readonly BurnTier[];
}

const above = (burn: number | null, threshold: number) => burn !== null && burn > threshold;

/**
 * The multi-window, multi-burn-rate decision (pure). Not open: it opens when any rule fires (burn
 * over its long AND its short window above the threshold: the long window keeps a blip from paging,
 * the short one makes sure it is still happening). Open: it stays open while any rule's short window
 * is still above its threshold, and ends when every short window has fallen to it or below; so an
 * alert ends minutes after the outage does, although the long window remembers it for hours.
 * `burnOver(ms)` is the burn rate over the last `ms` (null: nothing monitored).
 */
export function decideBurn(rules: readonly BurnRule[], burnOver: (windowMs: number) => number | null, alertOpen: boolean): BurnDecision {
  const tiers = rules.map((rule): BurnTier => {
    const longBurn = burnOver(rule.longMs);
    const shortBurn = burnOver(rule.shortMs);
    const holding = above(shortBurn, rule.threshold);
    return { rule, longBurn, shortBurn, holding, firing: holding && above(longBurn, rule.threshold) };
  });
  const firing = tiers.find((t) => t.firing);
  const holding = alertOpen ? tiers.find((t) => t.holding) : undefined;
  const rule = (firing ?? holding)?.rule ?? null;
  return { burning: rule !== null, rule, tiers };
}
