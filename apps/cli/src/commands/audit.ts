import { listAuditLog, ResourceId } from '@vigil/contracts';
import { type Command, stringFlag, UsageError } from '../context';
import { formatTable, formatTime } from '../table';

/** Without --limit, this many entries: the log only grows, so "all" is rarely what one wants. */
export const DEFAULT_AUDIT_LIMIT = 100;

function limitFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_AUDIT_LIMIT;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--limit must be a positive integer (got "${value}")`);
  }
  return Number(value);
}

export const auditList: Command = {
  name: 'audit list',
  summary: 'List the audit log of management changes, newest first (admin key)',
  description: 'Every POST, PUT, PATCH and DELETE of the management API, refused ones included. Secret values are never recorded.',
  flags: {
    key: { type: 'string', value: 'ID', description: 'Only requests made with this API key (its id)' },
    resource: { type: 'string', value: 'ID', description: 'Only requests on this resource (its id, or a runner slug)' },
    limit: { type: 'string', value: 'N', description: `At most N entries (default: ${DEFAULT_AUDIT_LIMIT})` },
  },
  api: true,
  async run(ctx) {
    const limit = limitFlag(stringFlag(ctx.flags, 'limit'));
    const keyId = stringFlag(ctx.flags, 'key');
    if (keyId !== undefined && !ResourceId.safeParse(keyId).success) throw new UsageError(`--key must be an API key id (a UUID; got "${keyId}")`);
    const resourceId = stringFlag(ctx.flags, 'resource');
    const entries = await ctx.api().listAll(
      listAuditLog,
      { ...(keyId === undefined ? {} : { key_id: keyId }), ...(resourceId === undefined ? {} : { resource_id: resourceId }) },
      limit,
    );
    if (ctx.json) return ctx.printJson(entries);
    ctx.print(
      formatTable(
        ['at', 'key', 'method', 'route', 'resource', 'status', 'fields'],
        entries.map((entry) => [
          formatTime(entry.at),
          entry.key_name ?? '-',
          entry.method,
          entry.route,
          entry.resource_id ?? '-',
          String(entry.status),
          Array.isArray(entry.summary['fields']) && entry.summary['fields'].length > 0 ? (entry.summary['fields'] as string[]).join(',') : '-',
        ]),
      ),
    );
  },
};
