import type { NotificationChannel, SiteEvent } from '@vigil/db';
import { decideSloBurn, isMutation, retireSloBurn, type Transition } from '@vigil/lifecycle';
import { assessSlo, type SloAssessment, type SloHistory, type SloObjective } from '@vigil/slo';
import type { EventChange } from './plan';
import { recipients, toEventState } from './plan-check';

/** A site with an objective, and its history over the objective's window, as the SLO sweep loads it. */
export interface SloSite {
  readonly id: number;
  readonly uuid: string;
  readonly name: string;
  readonly objective: SloObjective;
  readonly history: SloHistory;
}

/** What a sweep of the SLOs needs, loaded under its lock. */
export interface SloSweepContext {
  /** Non-archived sites with a target. */
  readonly sites: readonly SloSite[];
  /** Every open slo_burn event (some may belong to sites that lost their target since). */
  readonly open: readonly SiteEvent[];
  /** Every enabled channel, in id order: those of each site are told. */
  readonly channels: readonly NotificationChannel[];
}

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

/** The facts an slo_burn transition records (audit metadata, and the event's own when it opens or changes). */
export function burnFacts(a: SloAssessment): Record<string, string | number | boolean | null> {
  const tier = a.decision.tiers.find((t) => t.rule === a.decision.rule) ?? a.decision.tiers[0];
  return {
    target_pct: a.objective.targetPct,
    window_days: a.objective.windowDays,
    rule: a.decision.rule?.name ?? null,
    threshold: tier?.rule.threshold ?? null,
    long_window_s: tier === undefined ? null : tier.rule.longMs / 1000,
    short_window_s: tier === undefined ? null : tier.rule.shortMs / 1000,
    burn_rate_long: round(tier?.longBurn ?? null, 3),
    burn_rate_short: round(tier?.shortBurn ?? null, 3),
    availability: round(a.availability.ratio, 6),
    budget_remaining_fraction: round(a.budget.remainingFraction, 4),
    budget_remaining_minutes: round(a.budget.remainingMinutes, 2),
  };
}

/**
 * The SLO sweep's plan (pure): for each site with an objective, the burn-rate decision of
 * @vigil/slo opens `slo_burn` (notifying `slo_burn`), raises its severity in place, or closes it as
 * `recovered` (notifying `slo_burn_ended`); an open burn whose site lost its objective closes as
 * `manual`, also notifying its end.
 */
export function planSloSweep(ctx: SloSweepContext, at: Date): EventChange[] {
  const openBySite = new Map(ctx.open.map((event) => [event.siteId, event]));
  const now = { now: at.getTime() };
  const changes: EventChange[] = [];
  const change = (siteId: number, event: SiteEvent | null, transition: Transition, facts: Record<string, string | number | boolean | null>, site: string): void => {
    if (!isMutation(transition)) return;
    const channels = ctx.channels.filter((c) => c.siteIds.length === 0 || c.siteIds.includes(siteId));
    const written =
      transition.kind === 'open'
        ? { level: 'warn' as const, message: `error budget of ${site} burning: ${facts['rule']} burn ${facts['burn_rate_long']} over ${facts['long_window_s']} s` }
        : transition.kind === 'upgrade'
          ? { level: 'warn' as const, message: `error budget of ${site} burning faster: severity ${transition.severityAfter}` }
          : { level: 'info' as const, message: `error budget of ${site} no longer burning fast: its slo_burn event is closed (${transition.reason})` };
    changes.push({
      kind: 'event',
      mutation: transition,
      site: { id: siteId },
      checkId: null,
      endpointId: null,
      checkType: null,
      location: null,
      causeEventId: null,
      on: event === null ? null : { id: event.id, uuid: event.uuid },
      key: null,
      audit: { source: 'system', metadata: facts },
      notify: recipients(channels, transition),
      log: { fields: { site, ...facts }, written, skipped: `read-only: slo_burn ${transition.kind} skipped` },
    });
  };

  const withObjective = new Set<number>();
  for (const site of ctx.sites) {
    withObjective.add(site.id);
    const event = openBySite.get(site.id) ?? null;
    const assessment = assessSlo(site.history, site.objective, at.getTime(), event !== null);
    const severity = assessment.decision.rule?.severity ?? null;
    change(site.id, event, decideSloBurn(event === null ? null : toEventState(event), severity, now), burnFacts(assessment), site.uuid);
  }
  for (const event of ctx.open) {
    if (withObjective.has(event.siteId)) continue;
    change(event.siteId, event, retireSloBurn(toEventState(event), now), { reason: 'no objective' }, String(event.siteId));
  }
  return changes;
}
