import { HEARTBEAT_LOCATION, HeartbeatSpecSchema, heartbeatDeadline, type PingAction } from '@vigil/contracts';
import { type Database, RESULTS_CHANNEL, withTransaction } from '@vigil/db';
import { PARKED_UNTIL } from '../scheduling/location-states';

/** A ping as the route read it: the token, what it says, and what is kept with it (bounded already). */
export interface PingInput {
  token: string;
  action: PingAction;
  rid: string | undefined;
  body: string | null;
  userAgent: string | null;
  remoteAddr: string | null;
}

/** `unknown`: no heartbeat check (that is not deleted) has the token. */
export type PingOutcome = 'accepted' | 'duplicate' | 'unknown';

interface CheckRow {
  id: number;
  /** Enabled, and its site not archived. */
  enabled: boolean;
  spec: unknown;
  site_id: number;
}

/**
 * Records a ping and, for an enabled check, does what it says, in one transaction with the
 * check's row locked (so the pings of one check, and the evaluator's lateness sweep, apply one
 * after the other):
 * - the ping row; a repeat of the same rid and kind is a `duplicate` and changes nothing;
 * - a success or fail stores a result at the `@heartbeat` location (run_id = the rid, or new),
 *   with the run's duration when it follows its start, and wakes the evaluator as a runner's
 *   report does: the same strikes, quorum and lifecycle judge it;
 * - the location's `next_due_at` becomes the check's deadline (heartbeatDeadline), which the
 *   evaluator's sweep watches; parked when there is none.
 */
export async function recordPing(db: Pick<Database, 'prisma'>, ping: PingInput): Promise<PingOutcome> {
  return withTransaction(db, async (tx) => {
    const [check] = await tx.$queryRaw<CheckRow[]>`
      SELECT c.id, c.enabled AND s.archived_at IS NULL AS enabled, c.spec, e.site_id
      FROM checks c JOIN endpoints e ON e.id = c.endpoint_id JOIN sites s ON s.id = e.site_id
      WHERE c.ping_token = ${ping.token} AND c.type = 'heartbeat' AND c.deleted_at IS NULL
      FOR NO KEY UPDATE OF c`;
    if (check === undefined) return 'unknown';
    const { kind, exitCode } = ping.action;
    // The run this ping ends: the start with its rid, else a start that is the check's last ping.
    const [start] =
      kind === 'start'
        ? []
        : await tx.$queryRaw<{ received_at: Date }[]>`
            SELECT received_at FROM heartbeat_pings
            WHERE check_id = ${check.id} AND kind = 'start'
              AND (${ping.rid ?? null}::uuid IS NULL OR rid = ${ping.rid ?? null}::uuid)
              AND received_at >= coalesce((SELECT max(received_at) FROM heartbeat_pings p
                WHERE p.check_id = ${check.id} AND p.kind <> 'start'), '-infinity')
            ORDER BY received_at DESC, id DESC LIMIT 1`;
    const [inserted] = await tx.$queryRaw<{ received_at: Date; duration_ms: number | null }[]>`
      INSERT INTO heartbeat_pings (check_id, site_id, kind, exit_code, rid, duration_ms, body, user_agent, remote_addr)
      SELECT ${check.id}, ${check.site_id}, ${kind}::ping_kind, ${exitCode}, ${ping.rid ?? null}::uuid,
        round(extract(epoch FROM now() - ${start?.received_at ?? null}::timestamptz) * 1000)::int, ${ping.body}, ${ping.userAgent}, ${ping.remoteAddr}
      ON CONFLICT (check_id, rid, kind) DO NOTHING
      RETURNING received_at, duration_ms`;
    if (inserted === undefined) return 'duplicate';
    // A disabled check (or one of an archived site) keeps its pings for display; nothing else changes.
    if (!check.enabled) return 'accepted';
    if (kind !== 'start') {
      const ok = kind === 'success';
      const error = ok ? null : exitCode === null ? 'the job reported a failure' : `the job exited with code ${exitCode}`;
      await tx.$executeRaw`
        INSERT INTO check_results (check_id, site_id, run_id, location, ok, latency_ms, error_code, error, details, checked_at)
        VALUES (${check.id}, ${check.site_id}, coalesce(${ping.rid ?? null}::uuid, gen_random_uuid()), ${HEARTBEAT_LOCATION}, ${ok},
          ${inserted.duration_ms}, ${ok ? null : exitCode === null ? 'fail' : 'exit_code'}, ${error},
          ${JSON.stringify({ ping: kind, exit_code: exitCode, duration_ms: inserted.duration_ms })}::jsonb, ${inserted.received_at})
        ON CONFLICT (check_id, run_id, checked_at) DO NOTHING`;
      // Delivered at commit. Counted, so the void of pg_notify is never read as a value.
      await tx.$queryRaw`SELECT count(*)::int AS n FROM (SELECT pg_notify(${RESULTS_CHANNEL}, '')) AS woken`;
    }
    const spec = HeartbeatSpecSchema.parse(check.spec);
    const deadline = heartbeatDeadline(spec, { kind, receivedAt: inserted.received_at });
    await tx.$executeRaw`
      UPDATE location_states SET next_due_at = ${deadline?.at ?? PARKED_UNTIL}, leased_until = NULL
      WHERE check_id = ${check.id} AND location = ${HEARTBEAT_LOCATION}`;
    return 'accepted';
  });
}
