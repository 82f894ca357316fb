import {
  type BodyOf,
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  type QueryOf,
  updateMaintenanceWindow,
  windowEndProblem,
} from '@vigil/contracts';
import { type Database, type MaintenanceWindow, type Prisma, type VigilTransaction, withTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { invalidField } from '../http/validation';
import { mountMaintenanceAt } from './maintenance-at';
import { type RequestedTimes, type WindowTimes, windowJson, windowTimes } from './maintenance-times';
import { assertSiteLive, siteArchived } from './site-archive';

const WINDOW_RELATIONS = { site: { select: { uuid: true } }, check: { select: { uuid: true } } } as const;
type WindowRow = MaintenanceWindow & { site: { uuid: string }; check: { uuid: string } | null };

/** The internal ids the body's uuids name: the site, and the check if any, which must be one of the site's. */
async function resolveTarget(prisma: Pick<Database['prisma'], 'site' | 'check'>, body: { site_id: string; check_id?: string }) {
  const site = await prisma.site.findUnique({ where: { uuid: body.site_id }, select: { id: true, archivedAt: true } });
  if (site === null) throw invalidField('site_id', 'no site has this id');
  if (site.archivedAt !== null) throw siteArchived(body.site_id);
  if (body.check_id === undefined) return { siteId: site.id, checkId: null };
  const check = await prisma.check.findFirst({
    where: { uuid: body.check_id, deletedAt: null },
    select: { id: true, endpoint: { select: { siteId: true } } },
  });
  if (check === null) throw invalidField('check_id', 'no check has this id');
  if (check.endpoint.siteId !== site.id) throw invalidField('check_id', 'is a check of another site than site_id');
  return { siteId: site.id, checkId: check.id };
}

const windowNotFound = (id: string) => HttpError.notFound(`No maintenance window has the id ${id}`);

/**
 * The window's times once the patch applies: fields not given keep their value; a window
 * stays recurring (or one-off) unless the patch sets `rrule` (or nulls it).
 */
function mergedTimes(current: MaintenanceWindow, patch: BodyOf<typeof updateMaintenanceWindow>): WindowTimes {
  const startsAt = patch.starts_at === undefined ? current.startsAt : new Date(patch.starts_at);
  const rrule = patch.rrule === undefined ? current.rrule : patch.rrule;
  let requested: RequestedTimes;
  if (rrule === null) {
    if (patch.timezone !== undefined) throw invalidField('timezone', 'is only for a recurring window (with rrule)');
    if (patch.duration_s !== undefined) throw invalidField('duration_s', 'is only for a recurring window (with rrule)');
    const endsAt = patch.ends_at === undefined ? current.endsAt : new Date(patch.ends_at);
    // An open-ended series made one-off needs an end (the contract asks for one when rrule is nulled).
    if (endsAt === null) throw invalidField('ends_at', 'is required when rrule is removed');
    const endProblem = windowEndProblem(startsAt, endsAt);
    if (endProblem !== undefined) throw invalidField('ends_at', endProblem);
    requested = { startsAt, endsAt, rrule: null };
  } else {
    if (patch.ends_at !== undefined) throw invalidField('ends_at', "must be omitted with rrule: a recurring window ends with its series' last occurrence");
    const timezone = patch.timezone ?? current.timezone;
    const durationS = patch.duration_s ?? current.durationS;
    if (timezone === null) throw invalidField('timezone', 'is required with rrule');
    if (durationS === null) throw invalidField('duration_s', 'is required with rrule');
    requested = { startsAt, rrule, timezone, durationS };
  }
  return windowTimes(requested);
}

/**
 * What `PATCH /api/v1/maintenance-windows/:id` does with a valid body. The row is locked first,
 * so two updates of one window cannot each pass the length rule and together break it.
 * The scope is resolved again only when the body names it: a window whose check was deleted
 * since can still have its times changed.
 */
async function changeWindow(tx: VigilTransaction, uuid: string, patch: BodyOf<typeof updateMaintenanceWindow>): Promise<WindowRow> {
  const [locked] = await tx.$queryRaw<Array<{ id: number }>>`SELECT id FROM maintenance_windows WHERE uuid = ${uuid}::uuid FOR UPDATE`;
  if (locked === undefined) throw windowNotFound(uuid);
  const current = await tx.maintenanceWindow.findUniqueOrThrow({ where: { id: locked.id }, include: WINDOW_RELATIONS });
  await assertSiteLive(tx, current.siteId);
  const times = mergedTimes(current, patch);
  const scopeChanged = patch.site_id !== undefined || patch.check_id !== undefined;
  const target = scopeChanged
    ? await resolveTarget(tx, {
        site_id: patch.site_id ?? current.site.uuid,
        ...(patch.check_id === null ? {} : { check_id: patch.check_id ?? current.check?.uuid }),
      })
    : undefined;
  return tx.maintenanceWindow.update({
    where: { id: current.id },
    data: {
      ...(target === undefined ? {} : { siteId: target.siteId, checkId: target.checkId }),
      ...times,
      ...(patch.reason === undefined ? {} : { reason: patch.reason ?? '' }),
    },
    include: WINDOW_RELATIONS,
  });
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
  // A recurring series spanning now may be between occurrences: such rows are judged after the read.
  if (query.active === true) conditions.push({ startsAt: { lte: now }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] });
  if (query.active === false) conditions.push({ OR: [{ startsAt: { gt: now } }, { endsAt: { lte: now } }, { rrule: { not: null } }] });
  if (after !== undefined) {
    conditions.push({ OR: [{ startsAt: { lt: after.startsAt } }, { startsAt: after.startsAt, id: { lt: after.id } }] });
  }
  return { AND: conditions };
}

export function mountMaintenanceWindows(ctx: AreaContext): void {
  const { db } = ctx.deps;
  mountMaintenanceAt(ctx);

  ctx.route(createMaintenanceWindow, async ({ body }) => {
    const { siteId, checkId } = await resolveTarget(db.prisma, body);
    const startsAt = new Date(body.starts_at);
    const times =
      body.rrule === undefined
        ? windowTimes({ startsAt, endsAt: new Date(body.ends_at as string), rrule: null })
        : windowTimes({ startsAt, rrule: body.rrule, timezone: body.timezone as string, durationS: body.duration_s as number });
    const window = await db.prisma.maintenanceWindow.create({
      data: { siteId, checkId, ...times, reason: body.reason ?? '' },
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
    const windows = page.map((window) => windowJson(window, now.getTime()));
    return {
      // A page may come out shorter than `limit`; its cursor still follows the rows read.
      data: query.active === undefined ? windows : windows.filter((window) => window.active === query.active),
      next_cursor,
    };
  });

  ctx.route(getMaintenanceWindow, async ({ params }) => {
    const window = await db.prisma.maintenanceWindow.findUnique({ where: { uuid: params.id }, include: WINDOW_RELATIONS });
    if (window === null) throw windowNotFound(params.id);
    return windowJson(window, Date.now());
  });

  ctx.route(updateMaintenanceWindow, async ({ params, body }) => {
    const window = await withTransaction(db, (tx) => changeWindow(tx, params.id, body));
    return windowJson(window, Date.now());
  });

  ctx.route(deleteMaintenanceWindow, async ({ params }) => {
    const { count } = await db.prisma.maintenanceWindow.deleteMany({ where: { uuid: params.id } });
    if (count === 0) throw windowNotFound(params.id);
  });
}
