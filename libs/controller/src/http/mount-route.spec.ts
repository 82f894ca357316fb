import { defineRoute } from '@vigil/contracts';
import { createServiceApp, HttpError } from '@vigil/http';
import { testServiceDeps } from '@vigil/http/testing';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import type { AuditLog } from './audit';
import { type Authenticators, mountRoute } from './mount-route';

const createThing = defineRoute({
  method: 'post',
  path: '/things/:id',
  operationId: 'createThing',
  summary: 'Create a thing',
  tags: ['things'],
  auth: { kind: 'api-key', scope: 'write' },
  params: z.strictObject({ id: z.uuid() }),
  query: z.strictObject({ limit: z.coerce.number().int().max(10).default(5) }),
  body: z.strictObject({ name: z.string().min(1), tags: z.array(z.string().max(3)).optional() }),
  success: { status: 201, description: 'Created', schema: z.object({ id: z.string(), name: z.string(), limit: z.number() }) },
});

const deleteThing = defineRoute({
  method: 'delete',
  path: '/things/:id',
  operationId: 'deleteThing',
  summary: 'Delete a thing',
  tags: ['things'],
  auth: { kind: 'none' },
  params: z.strictObject({ id: z.uuid() }),
  success: { status: 204, description: 'Deleted' },
});

const ID = '3f0e8a4e-6c1b-4f7e-9d7a-2b1c0d9e8f7a';

function appWith(authenticate: Partial<Authenticators> = {}) {
  const calls: string[] = [];
  const authenticators: Authenticators = {
    apiKey: async (req, scope) => {
      calls.push(`apiKey:${scope}`);
      if (req.headers.authorization !== 'Bearer good') throw HttpError.unauthorized('bad key');
      return { kind: 'api-key', keyId: 1, keyUuid: ID, name: 'test', scopes: ['write'] };
    },
    runner: async () => {
      throw HttpError.unauthorized('no runners here');
    },
    ...authenticate,
  };
  const app = createServiceApp(testServiceDeps(), {
    mount: (server) => {
      const router = express.Router();
      const options = { authenticate: authenticators, bodyLimitBytes: 200 };
      mountRoute(router, createThing, options, async ({ params, query, body, principal }) => {
        calls.push(`handler:${principal.name}`);
        return { id: params.id, name: body.name, limit: query.limit };
      });
      mountRoute(router, deleteThing, options, async () => undefined);
      server.use(router);
    },
  });
  return { app, calls };
}

const post = (app: express.Express, path = `/things/${ID}`) => request(app).post(path).set('Authorization', 'Bearer good');

describe('mounting a route from its contract', () => {
  it('authenticates, validates and answers with the contract’s success status', async () => {
    const { app, calls } = appWith();
    const response = await post(app).send({ name: 'a' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: ID, name: 'a', limit: 5 });
    expect(calls).toEqual(['apiKey:write', 'handler:test']);
  });

  it('refuses an unauthenticated caller before reading its body', async () => {
    const { app, calls } = appWith();
    const response = await request(app).post(`/things/${ID}`).type('json').send('{ not json');
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({ code: 'unauthorized', message: 'bad key' });
    expect(calls).toEqual(['apiKey:write']);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const response = await post(appWith().app).type('text').send('name=a');
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
  });

  it('answers 400 for a body that is not valid JSON', async () => {
    const response = await post(appWith().app).type('json').send('{"name":');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe('Request body is not valid JSON');
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post(appWith().app).send({ name: 'x'.repeat(500) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('answers 422 naming every bad field of the body', async () => {
    const response = await post(appWith().app).send({ name: '', tags: ['ok', 'too long'], extra: true });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.message).toMatch(/^name: .+ \(and 2 more problems\)$/);
    expect(response.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(['name', 'tags[1]', '']);
  });

  it('answers 400 naming a bad path or query parameter', async () => {
    const path = await post(appWith().app, '/things/not-a-uuid').send({ name: 'a' });
    expect(path.status).toBe(400);
    expect(path.body.error).toMatchObject({ code: 'invalid_path', message: expect.stringMatching(/^path parameter id: /) });
    const query = await post(appWith().app, `/things/${ID}?limit=11`).send({ name: 'a' });
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ code: 'invalid_query', message: expect.stringMatching(/^query parameter limit: /) });
  });

  it('answers 204 with no body and needs no credentials for an open route', async () => {
    const response = await request(appWith().app).delete(`/things/${ID}`);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });
});

describe('mountRoute with an audit log', () => {
  function auditedApp(record: AuditLog['record']) {
    const authenticate: Authenticators = {
      apiKey: async (req) => {
        if (req.headers.authorization !== 'Bearer good') throw HttpError.unauthorized('bad key');
        return { kind: 'api-key', keyId: 1, keyUuid: ID, name: 'auditor', scopes: ['write'] };
      },
      runner: async () => {
        throw HttpError.unauthorized('no runners here');
      },
    };
    return createServiceApp(testServiceDeps(), {
      mount: (server) => {
        const router = express.Router();
        const options = { authenticate, bodyLimitBytes: 200, audit: { record } };
        mountRoute(router, createThing, options, async ({ params, body, query }) => ({ id: params.id, name: body.name, limit: query.limit }));
        mountRoute(router, deleteThing, options, async () => undefined);
        server.use(router);
      },
    });
  }

  it('records each mutating api-key request with its status and key, refusals too', async () => {
    const rows: Array<{ route: string; status: number; key?: string }> = [];
    const app = auditedApp(async (contract, _req, _res, outcome) => {
      rows.push({ route: `${contract.method} ${contract.path}`, status: outcome.status, key: outcome.principal?.name });
    });
    await request(app).post(`/things/${ID}`).set('Authorization', 'Bearer good').send({ name: 'a' }).expect(201);
    await request(app).post(`/things/${ID}`).set('Authorization', 'Bearer good').send({ name: '' }).expect(422);
    await request(app).post(`/things/${ID}`).send({ name: 'a' }).expect(401);
    // An unauthenticated route (auth none) is not a management request.
    await request(app).delete(`/things/${ID}`).expect(204);
    expect(rows).toEqual([
      { route: 'post /things/:id', status: 201, key: 'auditor' },
      { route: 'post /things/:id', status: 422, key: 'auditor' },
      { route: 'post /things/:id', status: 401, key: undefined },
    ]);
  });

  it('answers as it would have when the audit log fails', async () => {
    const app = auditedApp(async () => {
      throw new Error('audit store down');
    });
    await request(app).post(`/things/${ID}`).send({ name: 'a' }).expect(401);
  });
});
