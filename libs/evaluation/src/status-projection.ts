import type { SiteStatus } from '@vigil/db';
import { type EventState, worstStatus } from '@vigil/lifecycle';
import type { QuorumVerdict } from '@vigil/quorum';
import type { SiteFacts, SiteProjection } from './load-sites';
import type { SiteCheckedUpdate, SiteStatusUpdate } from './plan';

/**
 * A check's status after a result:
 * - an open event decides: an outage's `degraded`, `seems_down` or `down` (a `down` event whose locations
 *   went stale is still down until passes prove otherwise), a certificate event's severity;
 * - else a check in maintenance is `maintenance` (failures there open nothing);
 * - else the quorum verdict: `unknown` when fewer fresh, conclusive locations remain than the
 *   quorum needs (passes from one location of three prove nothing about the others); a
 *   `degraded` verdict shows `up` until a degraded pass opens its event, so that a status of
 *   degraded always has an event to show (as `seems_down` has).
 * A tls_cert check speaks of its certificate only: failures to reach it make it `unknown`, never down.
 */
export function checkStatusOf(openEvent: EventState | null, inMaintenance: boolean, verdict: Pick<QuorumVerdict, 'status'>, certificate = false): SiteStatus {
  if (openEvent !== null) {
    if (openEvent.type === 'cert_expiring') return openEvent.severity === 'elevated' ? 'degraded' : 'warning';
    return openEvent.type === 'down' ? 'down' : openEvent.type === 'degraded' ? 'degraded' : 'seems_down';
  }
  if (inMaintenance) return 'maintenance';
  if (certificate && verdict.status !== 'up') return 'unknown';
  return verdict.status === 'degraded' ? 'up' : verdict.status;
}

const latest = (dates: readonly Date[]): Date | undefined => (dates.length === 0 ? undefined : new Date(Math.max(...dates.map((d) => d.getTime()))));

/**
 * The sites of `changes` show the worst status of their enabled checks, the changed ones' new
 * statuses included (whether or not they are stored yet): a row per site, its status kept when
 * none of its checks changed status, `last_checked_at` moved by new results only.
 */
export function projectSites(facts: SiteFacts, changes: readonly SiteProjection[]): SiteStatusUpdate[] {
  return facts.sites.flatMap((site): SiteStatusUpdate[] => {
    const mine = changes.filter((c) => c.siteId === site.id);
    if (mine.length === 0) return [];
    const own = mine.flatMap((c) => (c.checkStatus === null ? [] : [c.checkStatus]));
    const status = mine.some((c) => c.statusChanged) ? worstStatus([...own, ...(facts.others.get(site.id) ?? [])]) : site.status;
    const checkedAt = latest(mine.filter((c) => c.checked).map((c) => c.at));
    return [
      {
        kind: 'site_status',
        check: mine[0].check,
        siteId: site.id,
        status,
        ...(checkedAt !== undefined && (site.last_checked_at === null || site.last_checked_at < checkedAt) ? { lastCheckedAt: checkedAt } : {}),
        ...(status !== site.status ? { lastStatusChangeAt: latest(mine.map((c) => c.at)) } : {}),
      },
    ];
  });
}

/**
 * The sites of `changes` when none of them changed a check's status (most passes): each site's
 * status stays, so it need not be read, and its `last_checked_at` moves to its latest new result
 * if that is later. Sites in id order; a change that is no new result moves nothing.
 */
export function sitesChecked(changes: readonly SiteProjection[]): SiteCheckedUpdate[] {
  if (changes.some((c) => c.statusChanged)) throw new Error('sitesChecked: a check changed status; its site must be projected');
  // One pass over the changes (a batch has hundreds): each site's first check and latest result.
  const bySite = new Map<number, { check: string; at: Date }>();
  for (const c of changes) {
    if (!c.checked) continue;
    const seen = bySite.get(c.siteId);
    if (seen === undefined) bySite.set(c.siteId, { check: c.check, at: c.at });
    else if (c.at.getTime() > seen.at.getTime()) seen.at = c.at;
  }
  return [...bySite]
    .sort(([a], [b]) => a - b)
    .map(([siteId, { check, at }]) => ({ kind: 'site_checked', check, siteId, lastCheckedAt: new Date(at.getTime()) }));
}
