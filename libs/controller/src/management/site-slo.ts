import { getSiteSlo, type ResponseOf } from '@vigil/contracts';
import type { VigilPrisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { loadSiteHistory } from '@vigil/site-history';
import { assessSlo, historyStart } from '@vigil/slo';
import { computeUptime } from '@vigil/uptime';
import type { AreaContext } from '../http/area';

type SiteSloJson = ResponseOf<typeof getSiteSlo>;

const DAY_MS = 86_400_000;
const s = (ms: number) => ms / 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A site's SLO figures at `now` (libs/slo over libs/site-history, as the burn-rate job sees them). */
export async function siteSlo(prisma: VigilPrisma, id: string, now: number): Promise<SiteSloJson> {
  const site = await prisma.site.findUnique({ where: { uuid: id }, select: { id: true, uuid: true, sloTargetPct: true, sloWindowDays: true } });
  if (site === null) throw HttpError.notFound(`No site with id ${id}`);
  const windowDays = site.sloWindowDays;
  const target = site.sloTargetPct;
  const from = target === null ? now - windowDays * DAY_MS : historyStart({ targetPct: target, windowDays }, now);
  const [history, alert] = await Promise.all([
    loadSiteHistory(prisma, site.id, new Date(from), new Date(now)),
    prisma.siteEvent.findFirst({ where: { siteId: site.id, eventType: 'slo_burn', endedAt: null }, select: { uuid: true, severity: true, startedAt: true } }),
  ]);
  if (history === null) throw HttpError.notFound(`No site with id ${id}`);
  const alertJson = alert === null ? null : { id: alert.uuid, severity: alert.severity, started_at: alert.startedAt.toISOString() };
  const window = { from: now - windowDays * DAY_MS, to: now };

  if (target === null) {
    const f = computeUptime(history.intervals, window, history.monitoredSince);
    return {
      site: site.uuid,
      target_pct: null,
      window_days: windowDays,
      from: iso(window.from),
      to: iso(now),
      availability: f.ratio,
      monitored_s: s(f.monitoredMs),
      down_s: s(f.downMs),
      excluded_s: s(f.maintenanceMs + f.unknownMs),
      budget: null,
      burn_rates: null,
      alert_rules: [],
      burning: false,
      alert: alertJson,
    };
  }
  const a = assessSlo(history, { targetPct: target, windowDays }, now, alert !== null);
  const f = a.availability;
  return {
    site: site.uuid,
    target_pct: target,
    window_days: windowDays,
    from: iso(a.window.from),
    to: iso(a.window.to),
    availability: f.ratio,
    monitored_s: s(f.monitoredMs),
    down_s: s(f.downMs),
    excluded_s: s(f.maintenanceMs + f.unknownMs),
    budget: {
      total_s: s(a.budget.allowedMs),
      consumed_s: s(a.budget.consumedMs),
      remaining_s: s(a.budget.remainingMs),
      remaining_fraction: a.budget.remainingFraction,
      total_minutes: a.budget.allowedMinutes,
      consumed_minutes: a.budget.consumedMinutes,
      remaining_minutes: a.budget.remainingMinutes,
    },
    burn_rates: a.burnRates,
    alert_rules: a.decision.tiers.map((t) => ({
      name: t.rule.name,
      threshold: t.rule.threshold,
      long_window_s: s(t.rule.longMs),
      short_window_s: s(t.rule.shortMs),
      long_burn: t.longBurn,
      short_burn: t.shortBurn,
      firing: t.firing,
    })),
    burning: a.decision.burning,
    alert: alertJson,
  };
}

/** `GET /api/v1/sites/:id/slo`. */
export function mountSiteSlo(ctx: AreaContext): void {
  const { db } = ctx.deps;
  ctx.route(getSiteSlo, async ({ params }) => siteSlo(db.prisma, params.id, Date.now()));
}
