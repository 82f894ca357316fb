import { API_SCOPES, type ApiScope, createApiKey as createApiKeyRoute, listApiKeys, type ResponseOf, revokeApiKey } from '@vigil/contracts';
import type { ApiKey } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { createApiKey } from '../auth/api-keys';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';

type ApiKeyJson = ResponseOf<typeof listApiKeys>['data'][number];

/** A key as listed: never the key itself, never its hash. */
function apiKeyJson(key: ApiKey): ApiKeyJson {
  return {
    id: key.uuid,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

function inScopeOrder(scopes: readonly ApiScope[]): ApiScope[] {
  return API_SCOPES.filter((scope) => scopes.includes(scope));
}

export function mountApiKeys(ctx: AreaContext): void {
  const { db } = ctx.deps;

  ctx.route(createApiKeyRoute, async ({ body, principal, logger }) => {
    const { key, record } = await createApiKey(db.prisma, {
      name: body.name,
      scopes: inScopeOrder(body.scopes),
      expiresAt: body.expires_at === undefined ? null : new Date(body.expires_at),
    });
    logger.info('API key created', { key_id: record.uuid, key_name: record.name, scopes: record.scopes, by: principal.name });
    return {
      id: record.uuid,
      name: record.name,
      prefix: record.prefix,
      scopes: record.scopes,
      key,
      created_at: record.createdAt.toISOString(),
      expires_at: record.expiresAt?.toISOString() ?? null,
    };
  });

  ctx.route(listApiKeys, async ({ query }) => {
    const after = decodeCursor(query.cursor, { id: 'integer' });
    const rows = await db.prisma.apiKey.findMany({
      where: after === undefined ? {} : { id: { lt: after.id } },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return {
      data: page.map(apiKeyJson),
      next_cursor,
    };
  });

  ctx.route(revokeApiKey, async ({ params, principal, logger }) => {
    // Every request looks its key up, so the key is refused from its next request on.
    const { count } = await db.prisma.apiKey.updateMany({ where: { uuid: params.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count > 0) {
      logger.info('API key revoked', { key_id: params.id, by: principal.name });
      return;
    }
    if ((await db.prisma.apiKey.findUnique({ where: { uuid: params.id }, select: { id: true } })) === null) {
      throw HttpError.notFound(`No API key has the id ${params.id}`);
    }
  });
}
