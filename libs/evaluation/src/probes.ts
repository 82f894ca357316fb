import { type Database, Prisma, PREPARED } from '@vigil/db';
import { ARCHIVED_SITE_CHECK, NOT_YET_CLOSED, RETIRED_CHECK } from './close-retired';

// The evaluator's looks for work: one statement each, outside any transaction, so that
// an idle evaluator pays them instead of a pass (BEGIN, claims, COMMIT) every interval. A yes may
// find nothing (another evaluator got there first); a no is sure as of the statement.

/**
 * resultsPending's statement: the first key of the queue's primary key, not the first live row of
 * its heap, where a sequential scan read every page of evaluated results' dead rows before it
 * until a vacuum. Not prepared: a generic plan made while the queue was empty (an idle evaluator's
 * first look) would scan its heap for the connection's life.
 */
export const RESULTS_PENDING = Prisma.sql`SELECT (SELECT check_id FROM pending_results ORDER BY check_id LIMIT 1) IS NOT NULL AS pending`;

/** Whether any result waits for its evaluation (its queue, pending_results). */
export async function resultsPending(db: Pick<Database, 'prisma'>): Promise<boolean> {
  const [row] = await db.prisma.$queryRaw<{ pending: boolean }[]>(RESULTS_PENDING);
  return row?.pending ?? true;
}

/** What the sweeps beside the freshness one would find to do. */
export interface SweepsDue {
  /** closeRetiredChecks: a disabled, deleted or archived site's check not yet paused, or with an event still open. */
  readonly retired: boolean;
  /** sweepRunners: a runner whose runner_offline should open or close. */
  readonly runners: boolean;
}

/**
 * Whether closeRetiredChecks and sweepRunners would change anything at `at`, in one statement:
 * the claims of the one (the same SQL), and the other's plan (planRunnerSweep) in SQL: a runner
 * not revoked whose staleness (`runnerIsStale`: nothing heard for longer than `staleAfterMs`)
 * differs from whether its runner_offline is open, or a revoked runner's event still open. The
 * database keeps microseconds where the plan reads milliseconds: a runner turning stale within the
 * same millisecond may wait for the next sweep.
 */
export async function sweepsDue(db: Pick<Database, 'prisma'>, at: Date, staleAfterMs: number): Promise<SweepsDue> {
  const [row] = await db.prisma.$queryRaw<SweepsDue[]>(Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT EXISTS (SELECT 1 FROM checks WHERE ${RETIRED_CHECK} AND ${NOT_YET_CLOSED})
             OR EXISTS (SELECT 1 FROM checks WHERE ${ARCHIVED_SITE_CHECK} AND ${NOT_YET_CLOSED}) AS retired,
           EXISTS (
             SELECT 1 FROM runners r
             LEFT JOIN site_events ev
               ON ev.location = r.slug AND ev.event_type = 'runner_offline' AND ev.ended_at IS NULL AND ev.check_id IS NULL
             WHERE CASE WHEN r.revoked_at IS NOT NULL THEN ev.id IS NOT NULL
                        ELSE (coalesce(r.last_seen_at, r.created_at) < ${at}::timestamptz - ${staleAfterMs}::float8 * interval '1 millisecond')
                             <> (ev.id IS NOT NULL) END
           ) AS runners`);
  return row ?? { retired: true, runners: true };
}
