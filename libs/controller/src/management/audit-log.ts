import { listAuditLog, type ResponseOf } from '@vigil/contracts';
import type { AuditLog } from '@vigil/db';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';

type AuditLogEntryJson = ResponseOf<typeof listAuditLog>['data'][number];

function auditLogEntryJson(row: AuditLog): AuditLogEntryJson {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    key_id: row.keyId,
    key_name: row.keyName,
    method: row.method as AuditLogEntryJson['method'],
    route: row.route,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    status: row.status,
    summary: (row.summary ?? {}) as Record<string, unknown>,
  };
}

/** `GET /api/v1/audit-log` (admin): newest first, by id; the filters use (key_id, id) and (resource_id, id). */
export function mountAuditLog(ctx: AreaContext): void {
  const { prisma } = ctx.deps.db;

  ctx.route(listAuditLog, async ({ query }) => {
    const after = decodeCursor(query.cursor, { id: 'bigint' });
    const rows = await prisma.auditLog.findMany({
      where: {
        ...(query.key_id === undefined ? {} : { keyId: query.key_id }),
        ...(query.resource_id === undefined ? {} : { resourceId: query.resource_id }),
        ...(after === undefined ? {} : { id: { lt: after.id } }),
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return { data: page.map(auditLogEntryJson), next_cursor };
  });
}
