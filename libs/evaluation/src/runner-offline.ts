import { type Database, type SiteEvent, withTransaction } from '@vigil/db';
import { closeEvent, decideRunner, isMutation, parseEventSeverity, parseEventType, type Transition } from '@vigil/lifecycle';
import { applyTransition } from './apply-transition';
import type { EvaluationLogger } from './evaluate-check';

/** The site runner events belong to (an event needs a site; a runner serves many). Made when first needed. */
export const RUNNERS_SITE = { slug: 'vigil-runners', name: 'Vigil runners' } as const;

/** A runner silent this long is offline (default 5 minutes: well past a poll interval and a token's life). */
export const DEFAULT_RUNNER_OFFLINE_AFTER_MS = 5 * 60_000;

// Both evaluators would otherwise open the same event; the second would fail on the unique index.
const SWEEP_LOCK_KEY = 0x76727573; // "vrus"

export interface RunnerSweepOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  readonly offlineAfterMs?: number;
  readonly now?: () => Date;
}

const stateOf = (event: SiteEvent) => ({
  type: parseEventType(event.eventType),
  severity: parseEventSeverity(event.severity),
  startedAt: event.startedAt.getTime(),
  endedAt: null,
  resolutionReason: null,
});

/**
 * Opens `runner_offline` for each runner silent past the limit (no poll, no report) and closes
 * it as `recovered` once the runner is heard from again; a revoked runner's event closes as
 * `manual`. Events, audit rows and outbox rows in one transaction, like every event change.
 */
export async function sweepRunners(db: Pick<Database, 'prisma'>, options: RunnerSweepOptions): Promise<{ opened: number; closed: number }> {
  const offlineAfterMs = options.offlineAfterMs ?? DEFAULT_RUNNER_OFFLINE_AFTER_MS;
  const at = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SWEEP_LOCK_KEY})`;
    const runners = await tx.runner.findMany({ select: { slug: true, createdAt: true, lastSeenAt: true, revokedAt: true } });
    const open = await tx.siteEvent.findMany({ where: { eventType: 'runner_offline', endedAt: null, checkId: null } });
    const openBySlug = new Map(open.map((event) => [event.location ?? '', event]));
    let site = await tx.site.findUnique({ where: { slug: RUNNERS_SITE.slug } });
    let opened = 0;
    let closed = 0;

    for (const runner of runners) {
      const event = openBySlug.get(runner.slug) ?? null;
      const lastHeard = runner.lastSeenAt ?? runner.createdAt;
      const silentMs = at.getTime() - lastHeard.getTime();
      const transition: Transition =
        runner.revokedAt !== null
          ? event === null
            ? { kind: 'none', notification: null }
            : closeEvent(stateOf(event), 'manual', { now: at.getTime(), readOnly: options.readOnly })
          : decideRunner(event === null ? null : stateOf(event), silentMs > offlineAfterMs, { now: at.getTime(), readOnly: options.readOnly });
      const facts = { runner: runner.slug, last_seen_at: runner.lastSeenAt?.toISOString() ?? null, silent_s: Math.round(silentMs / 1000) };

      if (transition.kind === 'suppress' && transition.wouldHave !== null) {
        options.logger.info(`read-only: runner event ${transition.wouldHave.kind} skipped`, facts);
        continue;
      }
      if (!isMutation(transition)) continue;
      site ??= await tx.site.upsert({ where: { slug: RUNNERS_SITE.slug }, create: { ...RUNNERS_SITE }, update: {} });
      const channels = await tx.notificationChannel.findMany({
        where: { enabled: true, OR: [{ siteIds: { isEmpty: true } }, { siteIds: { has: site.id } }] },
        orderBy: { id: 'asc' },
      });
      const target = { siteId: site.id, checkId: null, endpointId: null, checkType: null, location: runner.slug, event, channels };
      const written = await applyTransition(tx, target, transition, { source: 'system', metadata: facts });
      if (transition.kind === 'open') {
        opened++;
        options.logger.warn(`runner ${runner.slug} is offline: nothing heard for ${facts.silent_s} s`, { ...facts, event: written.event?.uuid });
      } else {
        closed++;
        options.logger.info(`runner ${runner.slug} ${transition.reason === 'manual' ? 'was revoked' : 'reports again'}: its offline event is closed`, facts);
      }
    }
    return { opened, closed };
  });
}
