import { getNotification, listNotifications, type QueryOf, retryNotification } from '@vigil/contracts';
import type { Prisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';

const NOTIFICATION_RELATIONS = {
  // A notification's site is its event's.
  event: { select: { uuid: true, site: { select: { uuid: true } } } },
  channel: { select: { uuid: true, name: true, type: true } },
} satisfies Prisma.NotificationInclude;

type NotificationRow = Prisma.NotificationGetPayload<{ include: typeof NOTIFICATION_RELATIONS }>;

type AttemptRow = Prisma.NotificationAttemptGetPayload<object>;

function notificationJson(row: NotificationRow) {
  return {
    id: row.uuid,
    event_id: row.event.uuid,
    site_id: row.event.site.uuid,
    channel: { id: row.channel.uuid, name: row.channel.name, type: row.channel.type },
    kind: row.kind,
    status: row.status,
    idempotency_key: row.idempotencyKey,
    attempt_count: row.attemptCount,
    next_attempt_at: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
  };
}

function attemptJson(row: AttemptRow) {
  return {
    at: row.at.toISOString(),
    ok: row.ok,
    status_code: row.statusCode,
    duration_ms: row.durationMs,
    response_excerpt: row.responseExcerpt,
    error: row.error,
  };
}

interface Position {
  createdAt: Date;
  id: bigint;
}

function notificationFilter(query: QueryOf<typeof listNotifications>, after: Position | undefined): Prisma.NotificationWhereInput {
  const conditions: Prisma.NotificationWhereInput[] = [];
  if (query.status !== undefined) conditions.push({ status: query.status });
  if (query.event_id !== undefined) conditions.push({ event: { uuid: query.event_id } });
  if (query.channel_id !== undefined) conditions.push({ channel: { uuid: query.channel_id } });
  if (query.site_id !== undefined) conditions.push({ event: { site: { uuid: query.site_id } } });
  if (after !== undefined) {
    conditions.push({ OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] });
  }
  return { AND: conditions };
}

/** The outbox, read-only but for retrying a failed notification. */
export function mountNotifications(ctx: AreaContext): void {
  const { db } = ctx.deps;
  const findOne = async (uuid: string) => {
    const row = await db.prisma.notification.findUnique({ where: { uuid }, include: NOTIFICATION_RELATIONS });
    if (row === null) throw HttpError.notFound(`No notification has the id ${uuid}`);
    return row;
  };

  ctx.route(listNotifications, async ({ query }) => {
    const position = decodeCursor(query.cursor, { created_at: 'date', id: 'bigint' });
    const after = position === undefined ? undefined : { createdAt: position.created_at, id: position.id };
    const rows = await db.prisma.notification.findMany({
      where: notificationFilter(query, after),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      include: NOTIFICATION_RELATIONS,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ created_at: last.createdAt, id: last.id }));
    return {
      data: page.map(notificationJson),
      next_cursor,
    };
  });

  ctx.route(getNotification, async ({ params }) => {
    const row = await findOne(params.id);
    const attempts = await db.prisma.notificationAttempt.findMany({ where: { notificationId: row.id }, orderBy: { id: 'asc' } });
    return { ...notificationJson(row), attempts: attempts.map(attemptJson) };
  });

  ctx.route(retryNotification, async ({ params }) => {
    const row = await findOne(params.id);
    // Conditional on still being failed, so a retry racing another one (or the notifier) changes nothing twice.
    const updated = await db.prisma.notification.updateMany({
      where: { id: row.id, status: 'failed' },
      data: { status: 'pending', attemptCount: 0, nextAttemptAt: new Date(), lastError: null },
    });
    if (updated.count === 0) throw HttpError.conflict(`The notification is ${row.status}; only a failed one can be retried`);
    return notificationJson(await findOne(params.id));
  });
}
