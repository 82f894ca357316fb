import { RUNNER_STALE_AFTER_S } from '@vigil/contracts';
import { type Database, withTransaction } from '@vigil/db';
import type { EvaluationLogger } from './plan';
import { planRunnerSweep, RUNNERS_SITE } from './plan-sweeps';
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

/**
 * Opens `runner_offline` for each stale runner (`runnerIsStale`, as the runners API says it) (no poll, no report) and closes
 * it as `recovered` once the runner is heard from again; a revoked runner's event closes as
 * `manual`. Events, audit rows and outbox rows in one transaction, like every event change.
 */
export async function sweepRunners(db: Pick<Database, 'prisma'>, options: RunnerSweepOptions): Promise<{ opened: number; closed: number }> {
  const at = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SWEEP_LOCK_KEY})`;
    const runners = await tx.runner.findMany({ select: { slug: true, createdAt: true, lastSeenAt: true, revokedAt: true } });
    const open = await tx.siteEvent.findMany({ where: { eventType: 'runner_offline', endedAt: null, checkId: null } });
    const site = await tx.site.findUnique({ where: { slug: RUNNERS_SITE.slug }, select: { id: true } });
    const channels = await tx.notificationChannel.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
    const plan = planRunnerSweep({ runners, open, siteId: site?.id ?? null, channels }, at, options.staleAfterMs ?? RUNNER_STALE_AFTER_S * 1000);
    const { events } = await planWriter(tx, { readOnly: options.readOnly, logger: options.logger, now: () => at }).apply(plan);
    const opened = events.filter((e) => e.mutation.kind === 'open').length;
    return { opened, closed: events.length - opened };
  });
}
