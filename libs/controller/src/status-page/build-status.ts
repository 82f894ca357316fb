import {
  type CheckType,
  type EVENT_RESOLUTION_REASONS,
  type EventSeverity,
  type PublicStatusSchema,
  type SiteStatus,
  STATUS_PAGE_DAYS,
  STATUS_PAGE_MAX_INCIDENTS,
  STATUS_PAGE_MAX_UPCOMING,
  type UptimeFiguresSchema,
  type UptimeWindowName,
} from '@vigil/contracts';
import { availabilityIntervals } from '@vigil/reports';
import { computeUptime, dailyUptime, type UptimeFigures, type UptimeInterval } from '@vigil/uptime';
import type { z } from 'zod';

export type PublicStatus = z.input<typeof PublicStatusSchema>;

interface CheckRef {
  name: string | null;
  type: CheckType;
}

/** A site's rows as loadStatusSource reads them; newest first. */
export interface StatusSource {
  site: { name: string; slug: string; status: SiteStatus; lastCheckedAt: Date | null; lastStatusChangeAt: Date | null };
  /** When its first check was created; null if it never had one. */
  monitoredSince: Date | null;
  /** Its enabled checks whose status is `unknown` now. */
  unknownChecks: number;
  /** Confirmed outages (events that reached `down`) overlapping the 90-day window. */
  outages: Array<{
    id: string;
    start: Date;
    end: Date | null;
    severity: EventSeverity;
    resolution: (typeof EVENT_RESOLUTION_REASONS)[number] | null;
    check: CheckRef | null;
  }>;
  /**
   * Maintenance occurrences (a one-off window is one) overlapping the 90-day window or starting
   * within the upcoming horizon, newest first; `check` null = the whole site.
   */
  maintenance: Array<{ id: string; start: Date; end: Date; check: CheckRef | null }>;
  /** Unknown spells of its checks (events of type `unknown`) overlapping the 90-day window. */
  unknownSpells: Array<{ start: Date; end: Date | null }>;
}

const HOUR_MS = 3_600_000;
const WINDOWS: Record<UptimeWindowName, number> = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '90d': 90 * 24 * HOUR_MS };

// Statuses during which nothing is measured: the current spell of one is left out of uptime.
const UNMEASURED: ReadonlySet<SiteStatus> = new Set(['unknown', 'paused']);

/**
 * What counts for uptime: confirmed outages as downtime; maintenance of the whole site
 * (a check's own maintenance already keeps its outages from opening); the unknown spells
 * of its checks and the site's current unknown or paused spell, if any, as neither up nor
 * down. An outage outweighs an unknown spell, as `down` outweighs `unknown` in the site's
 * status: time a check was down is downtime even while another check could not tell.
 */
function intervalsOf(source: StatusSource, now: number): UptimeInterval[] {
  const { status, lastStatusChangeAt } = source.site;
  const spellStart = lastStatusChangeAt ?? source.monitoredSince;
  const spell = (s: { start: Date; end: Date | null }) => ({ start: s.start.getTime(), end: s.end?.getTime() ?? null });
  return availabilityIntervals(
    {
      outages: source.outages.map(spell),
      unknownSpells: source.unknownSpells.map(spell),
      maintenance: source.maintenance.filter((m) => m.check === null).map((m) => ({ start: m.start.getTime(), end: m.end.getTime() })),
      unmeasuredSince: UNMEASURED.has(status) && spellStart !== null ? spellStart.getTime() : null,
    },
    now,
  );
}

const seconds = (ms: number) => ms / 1000;
const iso = (ms: number) => new Date(ms).toISOString();

function figuresJson(f: UptimeFigures): z.input<typeof UptimeFiguresSchema> {
  return {
    ratio: f.ratio,
    since: f.since === null ? null : iso(f.since),
    down_s: seconds(f.downMs),
    monitored_s: seconds(f.monitoredMs),
    maintenance_s: seconds(f.maintenanceMs),
    unknown_s: seconds(f.unknownMs),
  };
}

/** The public status of a site at `now`, from its rows (pure, so the HTML page and the JSON agree). */
export function buildPublicStatus(source: StatusSource, now: Date): PublicStatus {
  const to = now.getTime();
  const intervals = intervalsOf(source, to);
  const monitoredSince = source.monitoredSince?.getTime() ?? null;
  const uptime = (name: UptimeWindowName) => figuresJson(computeUptime(intervals, { from: to - WINDOWS[name], to }, monitoredSince));

  const begun = source.maintenance.filter((m) => m.start.getTime() <= to);
  const upcoming = source.maintenance
    .filter((m) => m.start.getTime() > to)
    .reverse()
    .slice(0, STATUS_PAGE_MAX_UPCOMING)
    .map((m) => ({ id: m.id, starts_at: m.start.toISOString(), ends_at: m.end.toISOString(), check: m.check }));
  const incidents: PublicStatus['incidents'] = [
    ...source.outages.map((o) => ({
      id: o.id,
      type: 'outage' as const,
      severity: o.severity,
      started_at: o.start.toISOString(),
      ended_at: o.end?.toISOString() ?? null,
      duration_s: seconds((o.end?.getTime() ?? to) - o.start.getTime()),
      ongoing: o.end === null,
      resolution: o.resolution,
      check: o.check,
    })),
    ...begun.map((m) => {
      const ongoing = m.end.getTime() > to;
      return {
        id: m.id,
        type: 'maintenance' as const,
        severity: null,
        started_at: m.start.toISOString(),
        ended_at: ongoing ? null : m.end.toISOString(),
        duration_s: seconds(Math.min(m.end.getTime(), to) - m.start.getTime()),
        ongoing,
        resolution: null,
        check: m.check,
      };
    }),
  ]
    .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at))
    .slice(0, STATUS_PAGE_MAX_INCIDENTS);

  return {
    site: { name: source.site.name, slug: source.site.slug },
    status: source.site.status,
    unknown_checks: source.unknownChecks,
    last_checked_at: source.site.lastCheckedAt?.toISOString() ?? null,
    generated_at: now.toISOString(),
    uptime: { '24h': uptime('24h'), '7d': uptime('7d'), '90d': uptime('90d') },
    days: dailyUptime(intervals, { days: STATUS_PAGE_DAYS, to, monitoredSince }).map((d) => ({
      date: iso(d.day).slice(0, 10),
      state: d.state,
      ratio: d.ratio,
      down_s: seconds(d.downMs),
      unknown_s: seconds(d.unknownMs),
    })),
    incidents,
    upcoming_maintenance: upcoming,
  };
}
