import { claimRows, type Database, Prisma, type SiteEvent, withTransaction } from '@vigil/db';
import { closeEvent, isMutation, parseEventSeverity, parseEventType } from '@vigil/lifecycle';
import { applyTransition } from './apply-transition';
import type { EvaluationLogger } from './evaluate-check';
import { writer } from './read-only';
import { projectSiteStatus } from './site-status';

export interface CloseRetiredOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** At most this many checks in one call (one transaction each). */
  readonly maxChecks: number;
  readonly now?: () => Date;
}

/** The enabled checks of an archived site: they stop like disabled ones (few sites are archived; they drive the plan). */
const ARCHIVED_SITE_CHECK = Prisma.sql`deleted_at IS NULL
          AND endpoint_id IN (SELECT e.id FROM endpoints e JOIN sites s ON s.id = e.site_id WHERE s.archived_at IS NOT NULL)`;

interface RetiredRow {
  id: number;
  uuid: string;
  site_id: number;
  endpoint_id: number;
  deleted: boolean;
}

/**
 * Disabled and deleted checks, and the checks of archived sites: their open events close
 * (`check_disabled`, `check_deleted`; an archived site's as `check_disabled` with
 * `site_archived: true` in the transition's metadata), with their audit rows and, for a
 * confirmed outage, an `outage_resolved` notification; the check shows `paused` and its
 * site's status no longer counts it. The management API only flips the check (or archives
 * the site); the events are the evaluator's, written here like every other change.
 */
export async function closeRetiredChecks(db: Pick<Database, 'prisma'>, options: CloseRetiredOptions): Promise<{ checks: number; closed: number }> {
  const now = options.now ?? (() => new Date());
  const visited: number[] = [];
  let closed = 0;
  while (visited.length < options.maxChecks) {
    const done = await withTransaction(db, async (tx) => {
      const claim = (retired: Prisma.Sql) =>
        claimRows<RetiredRow>(tx, {
          table: 'checks',
          columns: Prisma.sql`checks.id, checks.uuid, checks.endpoint_id, checks.deleted_at IS NOT NULL AS deleted,
          (SELECT site_id FROM endpoints e WHERE e.id = checks.endpoint_id) AS site_id`,
          where: Prisma.sql`${retired}
          AND (status <> 'paused' OR EXISTS (SELECT 1 FROM site_events ev WHERE ev.check_id = checks.id AND ev.ended_at IS NULL))
          AND NOT (id = ANY(${visited}::int[]))`,
          orderBy: Prisma.sql`id`,
          limit: 1,
        });
      // Two claims rather than one OR, so that the first keeps using the checks_retired index.
      let [check] = await claim(Prisma.sql`(NOT enabled OR deleted_at IS NOT NULL)`);
      let siteArchived = false;
      if (check === undefined) {
        [check] = await claim(ARCHIVED_SITE_CHECK);
        siteArchived = check !== undefined;
      }
      if (check === undefined) return null;
      const at = now();
      const reason = check.deleted ? 'check_deleted' : 'check_disabled';
      const write = writer(options, check.uuid);
      const open: SiteEvent[] = await tx.siteEvent.findMany({ where: { checkId: check.id, endedAt: null }, orderBy: { id: 'asc' } });
      const channels = await tx.notificationChannel.findMany({
        where: { enabled: true, OR: [{ siteIds: { isEmpty: true } }, { siteIds: { has: check.site_id } }] },
        orderBy: { id: 'asc' },
      });
      let written = 0;
      for (const event of open) {
        const state = { type: parseEventType(event.eventType), severity: parseEventSeverity(event.severity), startedAt: event.startedAt.getTime(), endedAt: null, resolutionReason: null };
        const transition = closeEvent(state, reason, { now: at.getTime(), readOnly: options.readOnly });
        const target = { siteId: check.site_id, checkId: check.id, endpointId: check.endpoint_id, checkType: event.checkType, event, channels };
        if (isMutation(transition)) {
          await applyTransition(tx, target, transition, { source: 'system', metadata: siteArchived ? { reason, site_archived: true } : { reason } });
          written++;
          options.logger.info(`event closed: ${reason}`, { check: check.uuid, event: event.uuid, event_type: event.eventType });
        } else if (transition.kind === 'suppress' && transition.wouldHave !== null) {
          options.logger.info(`read-only: close skipped`, { check: check.uuid, event: event.uuid, would_have: { kind: 'close', reason } });
        }
      }
      await write('checks.status', { status: 'paused' }, () =>
        tx.check.update({ where: { id: check.id }, data: { status: 'paused', lastStatusChangeAt: at } }),
      );
      await projectSiteStatus(tx, { siteId: check.site_id, checkId: check.id, checkStatus: null, at, checked: false, statusChanged: true }, write);
      return { id: check.id, written };
    });
    if (done === null) break;
    visited.push(done.id);
    closed += done.written;
  }
  return { checks: visited.length, closed };
}
