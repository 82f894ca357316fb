import { type Database, withTransaction } from '@vigil/db';
import { loadSiteHistory } from '@vigil/site-history';
import { historyStart } from '@vigil/slo';
import type { EvaluationLogger } from './plan';
import { planSloSweep, type SloSite } from './plan-slo';
import { planWriter } from './writer';

// Two evaluators would otherwise decide on the same sites at once; the second waits, then sees the
// first one's event. The unique index site_events_one_open_slo_burn_per_site backs it in the database.
const SLO_LOCK_KEY = 0x76736c6f; // "vslo"

/** See {@link EvaluatorServiceOptions.sloIntervalMs}: the burn-rate job runs once a minute by default. */
export const DEFAULT_SLO_INTERVAL_MS = 60_000;

export interface SloSweepOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  readonly now?: () => Date;
}

/**
 * The burn-rate job: for each non-archived site with an SLO target, its availability history over
 * the objective's window (@vigil/site-history, as the status page counts it) and the multi-window,
 * multi-burn-rate decision (@vigil/slo) open, raise or close its `slo_burn` event; events, audit
 * rows and outbox rows in one transaction, like every event change.
 */
export async function sweepSlo(db: Pick<Database, 'prisma'>, options: SloSweepOptions): Promise<{ opened: number; closed: number; changed: number }> {
  const at = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SLO_LOCK_KEY})`;
    const [rows, open, channels] = await Promise.all([
      tx.site.findMany({ where: { archivedAt: null, sloTargetPct: { not: null } }, select: { id: true, uuid: true, name: true, sloTargetPct: true, sloWindowDays: true }, orderBy: { id: 'asc' } }),
      tx.siteEvent.findMany({ where: { eventType: 'slo_burn', endedAt: null } }),
      tx.notificationChannel.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
    ]);
    const sites: SloSite[] = [];
    for (const row of rows) {
      const objective = { targetPct: row.sloTargetPct ?? 0, windowDays: row.sloWindowDays };
      const history = await loadSiteHistory(tx, row.id, new Date(historyStart(objective, at.getTime())), at);
      if (history !== null) sites.push({ id: row.id, uuid: row.uuid, name: row.name, objective, history });
    }
    const plan = planSloSweep({ sites, open, channels }, at);
    const { events } = await planWriter(tx, { readOnly: options.readOnly, logger: options.logger, now: () => at }).apply(plan);
    const opened = events.filter((e) => e.mutation.kind === 'open').length;
    const closed = events.filter((e) => e.mutation.kind === 'close').length;
    return { opened, closed, changed: events.length - opened - closed };
  });
}
