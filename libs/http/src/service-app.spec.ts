import { createCapturedLogger } from '@vigil/logger/testing';
import express from 'express';
import request from 'supertest';
import { HttpError } from './http-error';
import { requestContext } from './request-context';
import { createServiceApp } from './service-app';
import { itServesTheServiceEndpoints, testServiceDeps } from './testing';

describe('createServiceApp', () => {
  itServesTheServiceEndpoints((deps) => createServiceApp(deps));

  it('mounts the service routes before the 404 handler', async () => {
    const app = createServiceApp(testServiceDeps(), {
      mount: (service) => service.get('/api/ping', (_req, res) => void res.json({ pong: true })),
    });
    const response = await request(app).get('/api/ping');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ pong: true });
  });

  it('answers an HttpError with its status, code, message and details', async () => {
    const app = createServiceApp(testServiceDeps(), {
      mount: (service) =>
        service.get('/conflict', () => {
          throw HttpError.conflict('Runner slug already taken', { slug: 'us-1' });
        }),
    });
    const response = await request(app).get('/conflict');
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ error: { code: 'conflict', message: 'Runner slug already taken', details: { slug: 'us-1' } } });
  });

  it('answers an HttpError thrown from an async handler the same way', async () => {
    const app = createServiceApp(testServiceDeps(), {
      mount: (service) =>
        service.get('/async', async () => {
          throw HttpError.unauthorized();
        }),
    });
    const response = await request(app).get('/async');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: 'Authentication required' } });
  });

  it('answers an unexpected error with a bare 500 and logs it with the request id', async () => {
    const captured = createCapturedLogger();
    const app = createServiceApp(testServiceDeps({ logger: captured.logger }), {
      mount: (service) =>
        service.get('/boom', () => {
          throw new Error('password=hunter2 leaked into an error message');
        }),
    });
    const response = await request(app).get('/boom').set('x-request-id', 'req-500');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    const logged = captured.entries().find((entry) => entry.level === 'error');
    expect(logged).toMatchObject({ message: 'GET /boom failed', request_id: 'req-500', err: { message: expect.stringContaining('leaked') } });
  });

  it('answers a malformed JSON body with 400 bad_request', async () => {
    const app = createServiceApp(testServiceDeps(), {
      mount: (service) => service.post('/json', express.json(), (req, res) => void res.json(req.body)),
    });
    const response = await request(app).post('/json').set('content-type', 'application/json').send('{"a":');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'bad_request', message: 'Request body is not valid JSON' } });
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const app = createServiceApp(testServiceDeps(), {
      mount: (service) => service.post('/json', express.json({ limit: 10 }), (req, res) => void res.json(req.body)),
    });
    const response = await request(app).post('/json').send({ long: 'x'.repeat(100) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('logs each request at the http level with its id, method, path, status and duration, without the query', async () => {
    const captured = createCapturedLogger();
    const app = createServiceApp(testServiceDeps({ logger: captured.logger }), {
      mount: (service) => service.get('/api/items', (_req, res) => void res.json([])),
    });
    await request(app).get('/api/items?token=secret').set('x-request-id', 'req-1');
    expect(captured.entries()).toEqual([
      expect.objectContaining({ level: 'http', message: 'GET /api/items 200', request_id: 'req-1', method: 'GET', path: '/api/items', status: 200 }),
    ]);
    expect(captured.entries()[0].duration_ms).toEqual(expect.any(Number));
    expect(captured.lines()[0]).not.toContain('secret');
  });

  it('logs health probes and scrapes at the debug level only', async () => {
    const captured = createCapturedLogger({ level: 'http' });
    const app = createServiceApp(testServiceDeps({ logger: captured.logger }));
    await request(app).get('/healthz');
    await request(app).get('/readyz');
    await request(app).get('/metrics');
    expect(captured.entries()).toEqual([]);
  });

  it('does not build the request line at all when the level drops it (info, the default)', async () => {
    const captured = createCapturedLogger({ level: 'info' });
    const log = jest.spyOn(captured.logger, 'log');
    const app = createServiceApp(testServiceDeps({ logger: captured.logger }), {
      mount: (service) => service.get('/api/items', (_req, res) => void res.json([])),
    });
    await request(app).get('/api/items');
    await request(app).get('/healthz');
    expect(log).not.toHaveBeenCalled();
    expect(captured.entries()).toEqual([]);
  });

  it('gives handlers a logger that carries the request id', async () => {
    const captured = createCapturedLogger();
    const app = createServiceApp(testServiceDeps({ logger: captured.logger }), {
      mount: (service) =>
        service.get('/work', (_req, res) => {
          requestContext(res).logger.info('working');
          res.json({ id: requestContext(res).requestId });
        }),
    });
    const response = await request(app).get('/work').set('x-request-id', 'req-7');
    expect(response.body).toEqual({ id: 'req-7' });
    expect(captured.entries()[0]).toMatchObject({ message: 'working', request_id: 'req-7' });
  });

  it('labels unmatched requests as one route in the duration metric', async () => {
    const deps = testServiceDeps();
    const app = createServiceApp(deps);
    await request(app).get('/a/1');
    await request(app).get('/b/2');
    const text = await deps.metrics.metrics();
    expect(text).toContain('http_request_duration_seconds_count{service="test",method="GET",route="unmatched",status_code="404"} 2');
  });

  it('can be created twice on one registry', () => {
    const deps = testServiceDeps();
    createServiceApp(deps);
    expect(() => createServiceApp(deps)).not.toThrow();
  });

  it('redacts secrets a readiness check puts in its details', async () => {
    const app = createServiceApp(
      testServiceDeps({ ready: async () => ({ ok: false, details: { url: 'postgres://u:pw@db/v', password: 'x' } }) }),
    );
    const response = await request(app).get('/readyz');
    expect(response.body.details).toEqual({ url: 'postgres://u:[REDACTED]@db/v', password: '[REDACTED]' });
  });

  it('answers /readyz with 503 when the readiness check takes longer than the timeout', async () => {
    const app = createServiceApp(testServiceDeps({ ready: () => new Promise(() => undefined) }), { readyTimeoutMs: 20 });
    const response = await request(app).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', details: { error: 'readiness check timed out after 20 ms' } });
  });

  it('does not announce express in a header', async () => {
    const response = await request(createServiceApp(testServiceDeps())).get('/healthz');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
