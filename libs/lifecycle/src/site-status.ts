/**
 * What a site (and each of its checks) shows, worst first (DESIGN "Site states, worst first").
 * This order is the one definition: a site shows the worst status of its enabled checks, the API
 * validates with it, the dashboard counts by it. `unknown` (the monitor could not tell) is never
 * downtime, so it ranks below every state that is.
 */
export const SITE_STATUSES = ['down', 'seems_down', 'degraded', 'warning', 'unknown', 'maintenance', 'paused', 'up'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

const RANK: Readonly<Record<SiteStatus, number>> = Object.fromEntries(SITE_STATUSES.map((status, i) => [status, i])) as Record<SiteStatus, number>;

/** The worst of the statuses; `unknown` for a site without enabled checks. */
export function worstStatus(statuses: readonly SiteStatus[]): SiteStatus {
  let worst: SiteStatus | null = null;
  for (const status of statuses) {
    if (worst === null || RANK[status] < RANK[worst]) worst = status;
  }
  return worst ?? 'unknown';
}
