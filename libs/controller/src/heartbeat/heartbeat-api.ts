import { getCheckPingUrl, listCheckPings, rotatePingToken } from '@vigil/contracts';
import type { HeartbeatPing, VigilPrisma } from '@vigil/db';
import { withTransaction } from '@vigil/db';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { checkNotFound, lockCheck } from '../management/check-store';
import { newPingToken, pingUrlOf } from './ping-token';

/** A heartbeat check that is not deleted: its id and token; 404 for any other check. */
async function findHeartbeat(prisma: Pick<VigilPrisma, 'check'>, uuid: string): Promise<{ id: number; pingToken: string }> {
  const check = await prisma.check.findFirst({ where: { uuid, deletedAt: null, type: 'heartbeat' }, select: { id: true, pingToken: true } });
  if (check === null || check.pingToken === null) throw checkNotFound(uuid);
  return { id: check.id, pingToken: check.pingToken };
}

function pingJson(ping: HeartbeatPing) {
  return {
    kind: ping.kind,
    exit_code: ping.exitCode,
    rid: ping.rid,
    received_at: ping.receivedAt.toISOString(),
    duration_ms: ping.durationMs,
    body: ping.body,
    user_agent: ping.userAgent,
    remote_addr: ping.remoteAddr,
  };
}

/** A heartbeat check's pings (read), its ping URL and a new token (write: the URL is a capability). */
export function mountHeartbeatApi(ctx: AreaContext): void {
  const { db } = ctx.deps;
  // Read per request: the all-in-one learns its own address (its default) only once it listens.
  const publicUrl = () => ctx.deps.publicUrl;

  ctx.route(listCheckPings, async ({ params, query }) => {
    const { id } = await findHeartbeat(db.prisma, params.id);
    const after = decodeCursor(query.cursor, { id: 'bigint' });
    const rows = await db.prisma.heartbeatPing.findMany({
      where: { checkId: id, ...(after === undefined ? {} : { id: { lt: after.id } }) },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return { data: page.map(pingJson), next_cursor };
  });

  ctx.route(getCheckPingUrl, async ({ params }) => {
    const { pingToken } = await findHeartbeat(db.prisma, params.id);
    return { token: pingToken, ping_url: pingUrlOf(pingToken, publicUrl()) };
  });

  ctx.route(rotatePingToken, async ({ params }) =>
    withTransaction(db, async (tx) => {
      await lockCheck(tx, params.id);
      const { id } = await findHeartbeat(tx, params.id);
      const token = newPingToken();
      await tx.check.update({ where: { id }, data: { pingToken: token } });
      return { token, ping_url: pingUrlOf(token, publicUrl()) };
    }),
  );
}
