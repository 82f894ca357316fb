import { RUNNER_STALE_AFTER_S } from '@vigil/contracts';
import { type Database, type VigilTransaction, withTransaction } from '@vigil/db';
import type { EvaluationLogger } from './plan';
import { planCauseLinks, planRunnerSweep, type RelyingOutage, RUNNERS_SITE } from './plan-sweeps';
import { planWriter } from './writer';

export { RUNNERS_SITE };


// Both evaluators would otherwise open the same event; the second would fail on the unique index.
const SWEEP_LOCK_KEY = 0x76727573; // "vrus"

export interface RunnerSweepOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** A runner stale this long is offline: the runners API's rule (default RUNNER_STALE_AFTER_S of contracts). */
  readonly staleAfterMs?: number;
  readonly now?: () => Date;
}

/** The open outages that name no cause yet, with the locations each relies on (failing, or whose last result failed). */
async function loadRelyingOutages(tx: VigilTransaction): Promise<RelyingOutage[]> {
  const outages = await tx.siteEvent.findMany({
    where: { endedAt: null, eventType: { in: ['seems_down', 'down'] }, causeEventId: null, checkId: { not: null } },
    select: { id: true, uuid: true, checkId: true, check: { select: { uuid: true } } },
  });
  if (outages.length === 0) return [];
  const states = await tx.locationState.findMany({
    where: { checkId: { in: outages.flatMap((o) => (o.checkId === null ? [] : [o.checkId])) }, OR: [{ resolved: false }, { failingStrikes: { gt: 0 } }] },
    select: { checkId: true, location: true },
  });
  return outages.map((o) => ({
    id: o.id,
    uuid: o.uuid,
    check: o.check?.uuid ?? '',
    locations: states.filter((s) => s.checkId === o.checkId).map((s) => s.location),
  }));
}

/**
 * Opens `runner_offline` for each stale runner (`runnerIsStale`, as the runners API says it: no poll, no report) and closes
 * it as `recovered` once the runner is heard from again; a revoked runner's event closes as
 * `manual`. The outages already open that rely on a runner going offline are linked to its event
 * (`cause_linked`). Events, audit rows and outbox rows in one transaction, like every event change.
 */
export async function sweepRunners(db: Pick<Database, 'prisma'>, options: RunnerSweepOptions): Promise<{ opened: number; closed: number }> {
  const at = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SWEEP_LOCK_KEY})`;
    const runners = await tx.runner.findMany({ select: { slug: true, createdAt: true, lastSeenAt: true, revokedAt: true } });
    const open = await tx.siteEvent.findMany({ where: { eventType: 'runner_offline', endedAt: null, checkId: null } });
    const site = await tx.site.findUnique({ where: { slug: RUNNERS_SITE.slug }, select: { id: true } });
    const channels = await tx.notificationChannel.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
    const changes = planRunnerSweep({ runners, open, siteId: site?.id ?? null, channels }, at, options.staleAfterMs ?? RUNNER_STALE_AFTER_S * 1000);
    const relying = changes.some((c) => c.mutation.kind === 'open') ? await loadRelyingOutages(tx) : [];
    const plan = [...changes, ...planCauseLinks(changes, relying, at)];
    const { events } = await planWriter(tx, { readOnly: options.readOnly, logger: options.logger, now: () => at }).apply(plan);
    const opened = events.filter((e) => e.mutation.kind === 'open').length;
    return { opened, closed: events.length - opened };
  });
}
