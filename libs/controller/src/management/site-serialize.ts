import type { getSite, ResponseOf } from '@vigil/contracts';
import type { CheckType, Site, SiteStatus } from '@vigil/db';
import { maskTarget } from '@vigil/secrets';

export type SiteJson = ResponseOf<typeof getSite>;

/** What a site lists of each of its checks. */
export interface SiteCheckRow {
  uuid: string;
  type: CheckType;
  name: string | null;
  enabled: boolean;
  status: SiteStatus;
  intervalS: number;
  endpoint: { target: string };
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function siteJson(site: Site, checks?: readonly SiteCheckRow[]): SiteJson {
  return {
    id: site.uuid,
    name: site.name,
    slug: site.slug,
    status: site.status,
    public_status_page: site.publicStatusPage,
    last_checked_at: iso(site.lastCheckedAt),
    last_status_change_at: iso(site.lastStatusChangeAt),
    last_alert_sent_at: iso(site.lastAlertSentAt),
    created_at: site.createdAt.toISOString(),
    archived_at: iso(site.archivedAt),
    slo_target_pct: site.sloTargetPct,
    slo_window_days: site.sloWindowDays,
    ...(checks === undefined
      ? {}
      : {
          checks: checks.map((check) => ({
            id: check.uuid,
            type: check.type,
            target: maskTarget(check.endpoint.target),
            name: check.name,
            enabled: check.enabled,
            status: check.status,
            interval_s: check.intervalS,
          })),
        }),
  };
}
