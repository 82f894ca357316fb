import type { SiteStatus } from '@vigil/db';
import type { EventState } from '@vigil/lifecycle';
import type { QuorumVerdict } from '@vigil/quorum';

/** DESIGN.md "Site states, worst first"; a site shows the worst status of its enabled checks. */
export const STATUS_SEVERITY_ORDER: readonly SiteStatus[] = ['down', 'seems_down', 'degraded', 'warning', 'unknown', 'maintenance', 'paused', 'up'];

/**
 * A check's status after a result:
 * - an open event decides: an outage's `seems_down` or `down` (a `down` event whose locations
 *   went stale is still down until passes prove otherwise), a certificate event's severity;
 * - else a check in maintenance is `maintenance` (failures there open nothing);
 * - else the quorum verdict, but `unknown` when too few locations report to confirm an outage
 *   at all (passes from one location of three prove nothing about the others).
 * A tls_cert check speaks of its certificate only: failures to reach it make it `unknown`, never down.
 */
export function checkStatusOf(
  openEvent: EventState | null,
  inMaintenance: boolean,
  verdict: Pick<QuorumVerdict, 'status' | 'quorumReachable'>,
  certificate = false,
): SiteStatus {
  if (openEvent !== null) {
    if (openEvent.type === 'cert_expiring') return openEvent.severity === 'degraded' ? 'degraded' : 'warning';
    return openEvent.type === 'down' ? 'down' : 'seems_down';
  }
  if (inMaintenance) return 'maintenance';
  if (verdict.status === 'up' && !verdict.quorumReachable) return 'unknown';
  if (certificate && verdict.status !== 'up') return 'unknown';
  return verdict.status;
}

/** The worst of the statuses; `unknown` for a site without enabled checks. */
export function worstStatus(statuses: readonly SiteStatus[]): SiteStatus {
  let worst: SiteStatus | null = null;
  for (const status of statuses) {
    if (worst === null || STATUS_SEVERITY_ORDER.indexOf(status) < STATUS_SEVERITY_ORDER.indexOf(worst)) worst = status;
  }
  return worst ?? 'unknown';
}
