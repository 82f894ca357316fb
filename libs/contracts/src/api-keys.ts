import { z } from 'zod';
import { IdParams, listOf, PageQuery, Timestamp } from './common';
import { API_SCOPES, defineRoute } from './route';

const ApiScopeSchema = z.enum(API_SCOPES);

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100).describe('Who or what uses the key; audit rows name it (`operator:<name>`)'),
  scopes: z
    .array(ApiScopeSchema)
    .min(1)
    .max(API_SCOPES.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope')
    .describe('`read` lists and gets, `write` also changes monitoring, `admin` also manages keys and runners'),
  expires_at: Timestamp.refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
    .optional()
    .describe('The key is refused from then on; never when omitted'),
});

export const ApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  scopes: z.array(ApiScopeSchema),
  created_at: Timestamp,
  last_used_at: Timestamp.nullable().describe('Updated at most once a minute'),
  expires_at: Timestamp.nullable(),
  revoked_at: Timestamp.nullable(),
});

export const CreatedApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ApiScopeSchema),
  key: z.string().describe('The whole key (`vk_…`). Shown once: only its hash is stored'),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
});

export const createApiKey = defineRoute({
  method: 'post',
  path: '/api/v1/api-keys',
  operationId: 'createApiKey',
  summary: 'Create an API key',
  tags: ['api-keys'],
  auth: { kind: 'api-key', scope: 'admin' },
  body: CreateApiKeyBody,
  success: { status: 201, description: 'The key, shown this once', schema: CreatedApiKeySchema },
});

export const listApiKeys = defineRoute({
  method: 'get',
  path: '/api/v1/api-keys',
  operationId: 'listApiKeys',
  summary: 'List API keys (revoked ones included), newest first',
  tags: ['api-keys'],
  auth: { kind: 'api-key', scope: 'admin' },
  query: PageQuery,
  success: { status: 200, description: 'A page of keys, without the keys themselves', schema: listOf(ApiKeySchema) },
});

export const revokeApiKey = defineRoute({
  method: 'delete',
  path: '/api/v1/api-keys/:id',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key',
  description: 'The key is refused from its next request on. Revoking again changes nothing.',
  tags: ['api-keys'],
  auth: { kind: 'api-key', scope: 'admin' },
  params: IdParams,
  success: { status: 204, description: 'Revoked' },
  errors: [404],
});

export const apiKeysRoutes = [createApiKey, listApiKeys, revokeApiKey] as const;
