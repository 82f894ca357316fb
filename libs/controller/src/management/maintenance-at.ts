import { getSiteMaintenance } from '@vigil/contracts';
import { HttpError } from '@vigil/http';
import { maintenanceAt } from '@vigil/maintenance';
import type { AreaContext } from '../http/area';
import { invalidField } from '../http/validation';
import { occurrenceJson } from './maintenance-times';

/**
 * `GET /api/v1/sites/:id/maintenance`: the evaluator's question (is a result checked at `at`
 * in maintenance?) asked by an auditor, answered by the same expansion.
 */
export function mountMaintenanceAt(ctx: AreaContext): void {
  const { db } = ctx.deps;

  ctx.route(getSiteMaintenance, async ({ params, query }) => {
    const at = query.at === undefined ? new Date() : new Date(query.at);
    const site = await db.prisma.site.findUnique({ where: { uuid: params.id }, select: { id: true } });
    if (site === null) throw HttpError.notFound(`No site has the id ${params.id}`);
    let checkId: number | null = null;
    if (query.check_id !== undefined) {
      // Deleted checks answer too: an audit asks about the past.
      const check = await db.prisma.check.findFirst({ where: { uuid: query.check_id, endpoint: { siteId: site.id } }, select: { id: true } });
      if (check === null) throw invalidField('check_id', 'is not a check of this site');
      checkId = check.id;
    }
    // A series whose span covers `at` may still be between occurrences: maintenanceAt decides.
    const windows = await db.prisma.maintenanceWindow.findMany({
      where: {
        siteId: site.id,
        startsAt: { lte: at },
        AND: [{ OR: [{ checkId: null }, ...(checkId === null ? [] : [{ checkId }])] }, { OR: [{ endsAt: null }, { endsAt: { gt: at } }] }],
      },
      select: { uuid: true, startsAt: true, endsAt: true, rrule: true, timezone: true, durationS: true },
      orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
    });
    const found = maintenanceAt(windows, at.getTime());
    return {
      site_id: params.id,
      check_id: query.check_id ?? null,
      at: at.toISOString(),
      in_maintenance: found !== null,
      window_id: found?.window.uuid ?? null,
      occurrence: found === null ? null : occurrenceJson(found.occurrence),
    };
  });
}
