import { EVENT_MAX_EFFECTS, getEvent, listEvents, type QueryOf } from '@vigil/contracts';
import type { Prisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { EVENT_RELATIONS, eventJson, eventSummaryJson, transitionJson } from './event-json';

interface EventPosition {
  startedAt: Date;
  id: bigint;
}

function decodeEventCursor(cursor: string | undefined): EventPosition | undefined {
  const position = decodeCursor(cursor, { started_at: 'date', id: 'bigint' });
  return position === undefined ? undefined : { startedAt: position.started_at, id: position.id };
}

/** Newest first by (started_at, id): the id breaks ties, so events sharing a start are neither skipped nor repeated. */
function eventFilter(query: QueryOf<typeof listEvents>, after: EventPosition | undefined): Prisma.SiteEventWhereInput {
  const conditions: Prisma.SiteEventWhereInput[] = [];
  if (query.site_id !== undefined) conditions.push({ site: { uuid: query.site_id } });
  if (query.check_id !== undefined) conditions.push({ check: { uuid: query.check_id } });
  if (query.state !== undefined) conditions.push({ endedAt: query.state === 'open' ? null : { not: null } });
  if (query.type !== undefined) conditions.push({ eventType: query.type });
  if (query.since !== undefined) conditions.push({ startedAt: { gte: new Date(query.since) } });
  if (query.until !== undefined) conditions.push({ startedAt: { lt: new Date(query.until) } });
  if (after !== undefined) {
    conditions.push({ OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }] });
  }
  return { AND: conditions };
}

export function mountEvents(ctx: AreaContext): void {
  const { db } = ctx.deps;

  ctx.route(listEvents, async ({ query }) => {
    const rows = await db.prisma.siteEvent.findMany({
      where: eventFilter(query, decodeEventCursor(query.cursor)),
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      include: EVENT_RELATIONS,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ started_at: last.startedAt, id: last.id }));
    return {
      data: page.map(eventJson),
      next_cursor,
    };
  });

  ctx.route(getEvent, async ({ params }) => {
    const summary = { include: { site: { select: { uuid: true } }, check: { select: { uuid: true } } } } as const;
    const event = await db.prisma.siteEvent.findUnique({
      where: { uuid: params.id },
      include: {
        ...EVENT_RELATIONS,
        cause: summary,
        transitions: { orderBy: { id: 'asc' } },
        effects: { ...summary, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }], take: EVENT_MAX_EFFECTS },
        _count: { select: { effects: true } },
      },
    });
    if (event === null) throw HttpError.notFound(`No event has the id ${params.id}`);
    return {
      ...eventJson(event),
      transitions: event.transitions.map(transitionJson),
      cause: event.cause === null ? null : eventSummaryJson(event.cause),
      effects: event.effects.map(eventSummaryJson),
      effects_count: event._count.effects,
    };
  });
}
