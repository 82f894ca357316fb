import { z } from 'zod';
import { ErrorBodySchema } from './common';
import { type RouteContract, takesIdempotencyKey } from './route';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonObject = Record<string, unknown>;

const COMMON_ERRORS = [400, 401, 403, 422, 429] as const;
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed (a query or path parameter, or a body that is not JSON)',
  401: 'No credentials, or credentials that are not valid',
  403: 'The credentials lack the scope this route needs',
  404: 'No such resource',
  409: 'The request conflicts with existing data',
  413: 'The request body is too large',
  422: 'A field of the body is not valid; `details` lists each field',
  429: 'Too many requests; `Retry-After` says when to try again',
  503: 'Not ready',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  delete converted['$schema'];
  return converted;
}

function parameters(where: 'path' | 'query', shape: z.ZodObject | undefined): JsonObject[] {
  if (shape === undefined) return [];
  return Object.entries(shape.shape).map(([name, field]) => {
    const schema = jsonSchema(field as z.ZodType, 'input');
    const description = typeof schema['description'] === 'string' ? schema['description'] : undefined;
    return {
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      schema,
      ...(description === undefined ? {} : { description }),
    };
  });
}

const IDEMPOTENCY_KEY_PARAMETER: JsonObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
  description:
    'Makes a retry safe: the first request with this key runs, a repeat with the same body answers the first answer (with `Idempotent-Replayed: true`) for 24 h. Scoped to the API key. The same key with another request answers 422 `idempotency_key_reused`; while the first is in progress, 409 `idempotency_request_in_flight`.',
};

function security(route: RouteContract): JsonObject[] {
  if (route.auth.kind === 'none') return [];
  return [{ [route.auth.kind === 'runner' ? 'runnerJwt' : 'apiKey']: [] }];
}

function operation(route: RouteContract): JsonObject {
  const errorResponse = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const responses: JsonObject = {
    [String(route.success.status)]: {
      description: route.success.description,
      ...(route.success.schema ? { content: { 'application/json': { schema: jsonSchema(route.success.schema, 'output') } } } : {}),
    },
  };
  const statuses = new Set<number>([...COMMON_ERRORS, ...(route.errors ?? [])]);
  if (takesIdempotencyKey(route)) statuses.add(409);
  if (route.auth.kind === 'none') {
    statuses.delete(401);
    statuses.delete(403);
  }
  for (const status of [...statuses].sort()) {
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status] ?? 'Error', ...errorResponse };
  }
  const scope = route.auth.kind === 'api-key' ? `\n\nNeeds an API key with the \`${route.auth.scope}\` scope.` : '';
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description || scope ? { description: `${route.description ?? ''}${scope}`.trim() } : {}),
    tags: [...route.tags],
    security: security(route),
    parameters: [
      ...parameters('path', route.params),
      ...parameters('query', route.query),
      ...(takesIdempotencyKey(route) ? [IDEMPOTENCY_KEY_PARAMETER] : []),
    ],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
  };
}

/** `/api/v1/sites/:id` → `/api/v1/sites/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** The OpenAPI 3.1 document for `routes`, generated from the same schemas that validate requests. */
export function buildOpenApiDocument(routes: readonly RouteContract[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, JsonObject> = {};
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.operationId)) throw new Error(`Two routes share the operationId ${route.operationId}`);
    seen.add(route.operationId);
    const path = openApiPath(route.path);
    paths[path] ??= {};
    if (paths[path][route.method]) throw new Error(`Two routes for ${route.method.toUpperCase()} ${route.path}`);
    paths[path][route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorBodySchema, 'output') },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`vk_…`), sent as `Authorization: Bearer vk_…`' },
        runnerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A runner's ES256 JWT, signed with its private key" },
      },
    },
  };
}
