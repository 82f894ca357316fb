import { claimRows, type Database, Prisma, withTransaction } from '@vigil/db';
import { loadSiteFacts } from './load-sites';
import type { EvaluationLogger } from './plan';
import { planRetiredCheck, planRetiredSite, retiredSiteChange, type RetiredCheck } from './plan-sweeps';
import { planWriter } from './writer';

export interface CloseRetiredOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** At most this many checks in one call (one transaction each). */
  readonly maxChecks: number;
  readonly now?: () => Date;
}

/** Disabled and deleted checks (the checks_retired partial index). */
export const RETIRED_CHECK = Prisma.sql`(NOT enabled OR deleted_at IS NOT NULL)`;

/**
 * The enabled checks of an archived site: they stop like disabled ones. Few sites are archived, so
 * their endpoints are an array computed first, then probes of the checks' endpoint index: as
 * `IN (subquery)` the planner merge-joined every endpoint, 380 ms at 200,000 checks every sweep.
 */
export const ARCHIVED_SITE_CHECK = Prisma.sql`deleted_at IS NULL
          AND endpoint_id = ANY(ARRAY(SELECT e.id FROM sites s JOIN endpoints e ON e.site_id = s.id WHERE s.archived_at IS NOT NULL))`;

/** A retired check the sweep has not finished with: not yet paused, or an event of it still open. */
export const NOT_YET_CLOSED = Prisma.sql`(status <> 'paused' OR EXISTS (SELECT 1 FROM site_events ev WHERE ev.check_id = checks.id AND ev.ended_at IS NULL))`;

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
          AND ${NOT_YET_CLOSED}
          AND NOT (id = ANY(${visited}::int[]))`,
          orderBy: Prisma.sql`id`,
          limit: 1,
        });
      // Two claims rather than one OR, so that the first keeps using the checks_retired index.
      let [check] = await claim(RETIRED_CHECK);
      let siteArchived = false;
      if (check === undefined) {
        [check] = await claim(ARCHIVED_SITE_CHECK);
        siteArchived = check !== undefined;
      }
      if (check === undefined) return null;
      const at = now();
      const retired: RetiredCheck = {
        id: check.id,
        uuid: check.uuid,
        siteId: check.site_id,
        endpointId: check.endpoint_id,
        deleted: check.deleted,
        siteArchived,
      };
      const open = await tx.siteEvent.findMany({ where: { checkId: check.id, endedAt: null }, orderBy: { id: 'asc' } });
      const channels = await tx.notificationChannel.findMany({
        where: { enabled: true, OR: [{ siteIds: { isEmpty: true } }, { siteIds: { has: check.site_id } }] },
        orderBy: { id: 'asc' },
      });
      const writer = planWriter(tx, { readOnly: options.readOnly, logger: options.logger, now: () => at });
      const { events } = await writer.apply(planRetiredCheck({ check: retired, open, channels }, at));
      // The site is locked after the event rows are written, as the evaluation does it (ADR 0002).
      const sites = await loadSiteFacts(tx, [retiredSiteChange(retired, at)]);
      await writer.apply([planRetiredSite(sites, retired, at)]);
      const written = events.length;
      return { id: check.id, written };
    });
    if (done === null) break;
    visited.push(done.id);
    closed += done.written;
  }
  return { checks: visited.length, closed };
}
