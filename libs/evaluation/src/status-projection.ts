import type { SiteStatus } from '@vigil/db';
import { type EventState, worstStatus } from '@vigil/lifecycle';
import type { QuorumVerdict } from '@vigil/quorum';
import type { SiteFacts, SiteProjection } from './load-sites';
import type { SiteStatusUpdate } from './plan';

/**
 * A check's status after a result:
 * - an open event decides: an outage's `seems_down` or `down` (a `down` event whose locations
 *   went stale is still down until passes prove otherwise), a certificate event's severity;
 * - else a check in maintenance is `maintenance` (failures there open nothing);
 * - else the quorum verdict: `unknown` when fewer fresh, conclusive locations remain than the
 *   quorum needs (passes from one location of three prove nothing about the others).
 * A tls_cert check speaks of its certificate only: failures to reach it make it `unknown`, never down.
 */
export function checkStatusOf(openEvent: EventState | null, inMaintenance: boolean, verdict: Pick<QuorumVerdict, 'status'>, certificate = false): SiteStatus {
  if (openEvent !== null) {
    if (openEvent.type === 'cert_expiring') return openEvent.severity === 'degraded' ? 'degraded' : 'warning';
    return openEvent.type === 'down' ? 'down' : 'seems_down';
  }
  if (inMaintenance) return 'maintenance';
  if (certificate && verdict.status !== 'up') return 'unknown';
  return verdict.status;
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
