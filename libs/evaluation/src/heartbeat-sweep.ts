import { createHash } from 'node:crypto';
import { HEARTBEAT_LOCATION, HeartbeatSpecSchema, heartbeatDeadline, type HeartbeatLateness, type PingKind } from '@vigil/contracts';
import { type Database, Prisma, PREPARED, RESULTS_CHANNEL, withTransaction } from '@vigil/db';
import type { EvaluationLogger } from './plan';

/** Where a heartbeat with no deadline waits (for its first ping, or a success after a fail): never due. */
const PARKED_UNTIL = new Date('9999-01-01T00:00:00Z');

export interface HeartbeatSweepOptions {
  readonly readOnly: boolean;
  readonly logger: EvaluationLogger;
  /** At most this many heartbeats judged in one call (one transaction each). */
  readonly maxChecks: number;
  readonly now?: () => Date;
}

/** What the sweep decided for one heartbeat whose `next_due_at` came (pure). */
export type HeartbeatVerdict =
  | { readonly kind: 'park' }
  | { readonly kind: 'reschedule'; readonly at: Date }
  | { readonly kind: 'fail'; readonly deadline: Date; readonly reason: HeartbeatLateness };

/**
 * The deadline judged again from the spec and the last ping (the ping route set `next_due_at`
 * from the same rule, but a changed spec or a re-enabled check only made it due now): none →
 * park; still ahead → move to it; passed → one failed result.
 */
export function judgeHeartbeat(spec: unknown, last: { kind: PingKind; receivedAt: Date } | null, at: Date): HeartbeatVerdict {
  const deadline = heartbeatDeadline(HeartbeatSpecSchema.parse(spec), last);
  if (deadline === null) return { kind: 'park' };
  if (deadline.at.getTime() > at.getTime()) return { kind: 'reschedule', at: deadline.at };
  return { kind: 'fail', deadline: deadline.at, reason: deadline.reason };
}

/**
 * The run id of the failed result for one deadline of one check: the same for every evaluator
 * and every retry, so the unique (check_id, run_id) index stores it once. A UUID (v8 layout)
 * made from a SHA-256 of the check and the deadline.
 */
export function lateRunId(checkUuid: string, deadline: Date): string {
  const hex = createHash('sha256').update(`heartbeat:${checkUuid}:${deadline.toISOString()}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const MESSAGES: Record<HeartbeatLateness, (spec: { period_s: number; grace_s: number }) => string> = {
  late: (spec) => `no ping within period_s + grace_s (${spec.period_s} s + ${spec.grace_s} s)`,
  run_too_long: (spec) => `the job started and did not end within grace_s (${spec.grace_s} s)`,
};

interface DueRow {
  check_id: number;
}

interface LockedRow {
  id: number;
  uuid: string;
  site_id: number;
  spec: unknown;
  next_due_at: Date;
  live: boolean;
}

/**
 * Heartbeat checks whose job did not ping in time: each `@heartbeat` location whose
 * `next_due_at` (its deadline) passed is judged again under its check's row lock (the ping route
 * takes the same lock); a passed deadline stores ONE failed result there (`late`, or
 * `run_too_long` after a start), with a run id fixed by the deadline so that two evaluators or a
 * retry cannot store two, and wakes the evaluation, which opens `down` at once (one witness,
 * quorum 1 of 1). The location is then parked until the next ping. One statement when nothing is
 * due (the (location, next_due_at) index). Read-only mode logs what it would store.
 */
export async function sweepHeartbeats(db: Pick<Database, 'prisma'>, options: HeartbeatSweepOptions): Promise<{ failed: number }> {
  const at = (options.now ?? (() => new Date()))();
  const due = await db.prisma.$queryRaw<DueRow[]>(Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT check_id FROM location_states WHERE location = ${HEARTBEAT_LOCATION} AND next_due_at <= ${at}::timestamptz
    ORDER BY next_due_at LIMIT ${options.maxChecks}::int`);
  let failed = 0;
  for (const { check_id: id } of due) {
    const stored = await withTransaction(db, async (tx) => {
      const [check] = await tx.$queryRaw<LockedRow[]>`
        SELECT c.id, c.uuid, ls.site_id, c.spec, ls.next_due_at,
               c.enabled AND c.deleted_at IS NULL AND s.archived_at IS NULL AS live
        FROM checks c JOIN location_states ls ON ls.check_id = c.id AND ls.location = ${HEARTBEAT_LOCATION}
        JOIN endpoints e ON e.id = c.endpoint_id JOIN sites s ON s.id = e.site_id
        WHERE c.id = ${id} FOR NO KEY UPDATE OF c SKIP LOCKED`;
      // Locked by a ping or another evaluator (the next sweep looks again), or moved since.
      if (check === undefined || check.next_due_at.getTime() > at.getTime()) return false;
      const park = () => tx.$executeRaw`UPDATE location_states SET next_due_at = ${PARKED_UNTIL} WHERE check_id = ${id} AND location = ${HEARTBEAT_LOCATION}`;
      if (!check.live) {
        if (!options.readOnly) await park();
        return false;
      }
      const [last] = await tx.$queryRaw<{ kind: PingKind; received_at: Date }[]>`
        SELECT kind::text AS kind, received_at FROM heartbeat_pings WHERE check_id = ${id} ORDER BY received_at DESC, id DESC LIMIT 1`;
      const verdict = judgeHeartbeat(check.spec, last === undefined ? null : { kind: last.kind, receivedAt: last.received_at }, at);
      if (options.readOnly) {
        if (verdict.kind === 'fail') options.logger.info('read-only: heartbeat failure not stored', { check: check.uuid, reason: verdict.reason });
        return false;
      }
      if (verdict.kind === 'park') await park();
      if (verdict.kind === 'reschedule') {
        await tx.$executeRaw`UPDATE location_states SET next_due_at = ${verdict.at} WHERE check_id = ${id} AND location = ${HEARTBEAT_LOCATION}`;
      }
      if (verdict.kind !== 'fail') return false;
      const spec = HeartbeatSpecSchema.parse(check.spec);
      const inserted = await tx.$executeRaw`
        INSERT INTO check_results (check_id, site_id, run_id, location, ok, error_code, error, details, checked_at)
        VALUES (${id}, ${check.site_id}, ${lateRunId(check.uuid, verdict.deadline)}::uuid, ${HEARTBEAT_LOCATION}, false, ${verdict.reason},
          ${MESSAGES[verdict.reason](spec)}, ${JSON.stringify({ deadline: verdict.deadline.toISOString(), last_ping: last?.kind ?? null })}::jsonb, ${verdict.deadline})
        ON CONFLICT (check_id, run_id, checked_at) DO NOTHING`;
      await park();
      if (inserted === 0) return false;
      // Delivered at commit. Counted, so the void of pg_notify is never read as a value.
      await tx.$queryRaw`SELECT count(*)::int AS n FROM (SELECT pg_notify(${RESULTS_CHANNEL}, '')) AS woken`;
      options.logger.info(`heartbeat ${verdict.reason === 'late' ? 'late' : 'run too long'}: failed result stored`, { check: check.uuid, deadline: verdict.deadline.toISOString() });
      return true;
    });
    if (stored) failed++;
  }
  return { failed };
}
