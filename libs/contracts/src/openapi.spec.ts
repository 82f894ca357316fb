import { z } from 'zod';
import { allRoutes } from './all-routes';
import { buildOpenApiDocument, openApiPath } from './openapi';
import { defineRoute, routePath } from './route';

const info = { title: 'test', version: '1' };

const createThing = defineRoute({
  method: 'post',
  path: '/api/v1/things/:id',
  operationId: 'createThing',
  summary: 'Create a thing',
  tags: ['things'],
  auth: { kind: 'api-key', scope: 'write' },
  params: z.strictObject({ id: z.uuid() }),
  query: z.strictObject({ dry_run: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().default(5) }),
  body: z.strictObject({ name: z.string().min(1) }),
  success: { status: 201, description: 'Created', schema: z.object({ id: z.string() }) },
  errors: [404, 409],
});

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument([createThing], info) as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const operation = document.paths['/api/v1/things/{id}']['post'] as {
    parameters: Array<{ name: string; in: string; required: boolean }>;
    requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } } };
    responses: Record<string, unknown>;
    security: unknown[];
    description: string;
  };

  it('is OpenAPI 3.1 with express paths turned into templates', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(openApiPath('/a/:id/b/:slug')).toBe('/a/{id}/b/{slug}');
  });

  it('describes path and query parameters from the same schemas that validate them', () => {
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      expect.objectContaining({ name: 'dry_run', in: 'query', required: false }),
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    ]);
  });

  it('offers Idempotency-Key on management POSTs only, with its 409', () => {
    const read = buildOpenApiDocument([{ ...createThing, method: 'get', body: undefined, errors: [404] }], info) as typeof document;
    const get = read.paths['/api/v1/things/{id}']['get'] as { parameters: Array<{ name: string }>; responses: Record<string, unknown> };
    expect(get.parameters.map((parameter) => parameter.name)).not.toContain('Idempotency-Key');
    expect(Object.keys(get.responses)).not.toContain('409');
    const runner = buildOpenApiDocument([{ ...createThing, auth: { kind: 'runner' }, errors: [] }], info) as typeof document;
    const report = runner.paths['/api/v1/things/{id}']['post'] as { parameters: Array<{ name: string }> };
    expect(report.parameters.map((parameter) => parameter.name)).not.toContain('Idempotency-Key');
    const keyed = buildOpenApiDocument([{ ...createThing, errors: [] }], info) as typeof document;
    expect(Object.keys(keyed.paths['/api/v1/things/{id}']['post']['responses'] as object)).toContain('409');
  });

  it('describes the request body with its required fields', () => {
    const schema = operation.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['name']);
    expect(Object.keys(schema.properties)).toEqual(['name']);
  });

  it('lists the success status, the common errors and the route’s own, and the scope it needs', () => {
    expect(Object.keys(operation.responses).sort()).toEqual(['201', '400', '401', '403', '404', '409', '422', '429']);
    expect(operation.security).toEqual([{ apiKey: [] }]);
    expect(operation.description).toContain('`write` scope');
  });

  it('refuses two routes with one operationId', () => {
    expect(() => buildOpenApiDocument([createThing, createThing], info)).toThrow(/createThing/);
  });

  it('documents every route the controller serves, each with a unique operationId', () => {
    const full = buildOpenApiDocument(allRoutes, info) as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.values(full.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operations).toHaveLength(allRoutes.length);
    expect(operations).toEqual(expect.arrayContaining(['pollRuns', 'reportResults', 'getOpenApiDocument']));
  });
});

describe('routePath', () => {
  it('fills and encodes path parameters', () => {
    expect(routePath(createThing, { id: 'a b/c' })).toBe('/api/v1/things/a%20b%2Fc');
  });

  it('refuses to build a path with a parameter missing', () => {
    expect(() => routePath(createThing)).toThrow(/missing parameter "id"/);
  });
});

describe('the controller’s OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by the specification’s own JSON Schema', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(buildOpenApiDocument(allRoutes, info) as Parameters<typeof validator.validate>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does refuse a broken document: a response without its description.
    const broken = await new Validator().validate({ openapi: '3.1.0', info, paths: { '/x': { get: { responses: { '200': {} } } } } });
    expect(broken.valid).toBe(false);
  });
});
