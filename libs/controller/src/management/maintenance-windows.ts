import {
  type BodyOf,
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  type QueryOf,
  type ResponseOf,
} from '@vigil/contracts';
import type { Database, MaintenanceWindow, Prisma } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { invalidField } from '../http/validation';
import { siteArchived } from './site-archive';

const WINDOW_RELATIONS = { site: { select: { uuid: true } }, check: { select: { uuid: true } } } as const;
type WindowRow = MaintenanceWindow & { site: { uuid: string }; check: { uuid: string } | null };

function windowJson(window: WindowRow, nowMs: number): ResponseOf<typeof getMaintenanceWindow> {
  return {
    id: window.uuid,
    site_id: window.site.uuid,
    check_id: window.check?.uuid ?? null,
    starts_at: window.startsAt.toISOString(),
    ends_at: window.endsAt.toISOString(),
    reason: window.reason === '' ? null : window.reason,
    active: window.startsAt.getTime() <= nowMs && nowMs < window.endsAt.getTime(),
    created_at: window.createdAt.toISOString(),
  };
}


/** The internal ids the body's uuids name: the site, and the check if any, which must be one of the site's. */
async function resolveTarget(db: Pick<Database, 'prisma'>, body: BodyOf<typeof createMaintenanceWindow>) {
  const site = await db.prisma.site.findUnique({ where: { uuid: body.site_id }, select: { id: true, archivedAt: true } });
  if (site === null) throw invalidField('site_id', 'no site has this id');
  if (site.archivedAt !== null) throw siteArchived(body.site_id);
  if (body.check_id === undefined) return { siteId: site.id, checkId: null };
  const check = await db.prisma.check.findFirst({
    where: { uuid: body.check_id, deletedAt: null },
    select: { id: true, endpoint: { select: { siteId: true } } },
  });
  if (check === null) throw invalidField('check_id', 'no check has this id');
  if (check.endpoint.siteId !== site.id) throw invalidField('check_id', 'is a check of another site than site_id');
  return { siteId: site.id, checkId: check.id };
}

interface WindowPosition {
  startsAt: Date;
  id: number;
}

function decodeWindowCursor(cursor: string | undefined): WindowPosition | undefined {
  const position = decodeCursor(cursor, { starts_at: 'date', id: 'integer' });
  return position === undefined ? undefined : { startsAt: position.starts_at, id: position.id };
}

function windowFilter(query: QueryOf<typeof listMaintenanceWindows>, now: Date, after: WindowPosition | undefined): Prisma.MaintenanceWindowWhereInput {
  const conditions: Prisma.MaintenanceWindowWhereInput[] = [];
  if (query.site_id !== undefined) conditions.push({ site: { uuid: query.site_id } });
  if (query.check_id !== undefined) conditions.push({ check: { uuid: query.check_id } });
  if (query.active === true) conditions.push({ startsAt: { lte: now }, endsAt: { gt: now } });
  if (query.active === false) conditions.push({ OR: [{ startsAt: { gt: now } }, { endsAt: { lte: now } }] });
  if (after !== undefined) {
    conditions.push({ OR: [{ startsAt: { lt: after.startsAt } }, { startsAt: after.startsAt, id: { lt: after.id } }] });
  }
  return { AND: conditions };
}

export function mountMaintenanceWindows(ctx: AreaContext): void {
  const { db } = ctx.deps;

  ctx.route(createMaintenanceWindow, async ({ body }) => {
    const { siteId, checkId } = await resolveTarget(db, body);
    const window = await db.prisma.maintenanceWindow.create({
      data: { siteId, checkId, startsAt: new Date(body.starts_at), endsAt: new Date(body.ends_at), reason: body.reason ?? '' },
      include: WINDOW_RELATIONS,
    });
    return windowJson(window, Date.now());
  });

  ctx.route(listMaintenanceWindows, async ({ query }) => {
    const now = new Date();
    const rows = await db.prisma.maintenanceWindow.findMany({
      where: windowFilter(query, now, decodeWindowCursor(query.cursor)),
      orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      include: WINDOW_RELATIONS,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ starts_at: last.startsAt, id: last.id }));
    return {
      data: page.map((window) => windowJson(window, now.getTime())),
      next_cursor,
    };
  });

  ctx.route(getMaintenanceWindow, async ({ params }) => {
    const window = await db.prisma.maintenanceWindow.findUnique({ where: { uuid: params.id }, include: WINDOW_RELATIONS });
    if (window === null) throw HttpError.notFound(`No maintenance window has the id ${params.id}`);
    return windowJson(window, Date.now());
  });

  ctx.route(deleteMaintenanceWindow, async ({ params }) => {
    const { count } = await db.prisma.maintenanceWindow.deleteMany({ where: { uuid: params.id } });
    if (count === 0) throw HttpError.notFound(`No maintenance window has the id ${params.id}`);
  });
}
