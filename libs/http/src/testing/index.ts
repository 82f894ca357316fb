import { createCapturedLogger } from '@vigil/logger/testing';
import type { Express } from 'express';
import request from 'supertest';
import { alwaysReady, type ReadinessCheck } from '../health';
import { createMetricsRegistry } from '../metrics';
import type { ServiceAppDeps } from '../service-app';

/** Dependencies for a service app under test: a captured logger, a fresh registry, always ready. */
export function testServiceDeps(overrides: Partial<ServiceAppDeps> = {}): ServiceAppDeps {
  return {
    logger: createCapturedLogger().logger,
    metrics: createMetricsRegistry({ service: 'test', defaultMetrics: false }),
    ready: alwaysReady,
    ...overrides,
  };
}

/**
 * The endpoints every Vigil service answers, as one suite each app runs against its own
 * `createApp`, so the contract is written once and proved for every app. An app whose
 * deps go beyond ServiceAppDeps passes `(deps) => createApp({ ...deps, extra })`.
 */
export function itServesTheServiceEndpoints(createApp: (deps: ServiceAppDeps) => Express): void {
  const appWith = (overrides: Partial<ServiceAppDeps> = {}) => createApp(testServiceDeps(overrides));

  it('answers /healthz with 200 and {"status":"ok"}', async () => {
    const response = await request(appWith()).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('answers /healthz with 200 even when the service is not ready', async () => {
    const response = await request(appWith({ ready: async () => ({ ok: false }) })).get('/healthz');
    expect(response.status).toBe(200);
  });

  it('answers /readyz with 200 and the details when the readiness check passes', async () => {
    const ready: ReadinessCheck = async () => ({ ok: true, details: { database: 'ok' } });
    const response = await request(appWith({ ready })).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', details: { database: 'ok' } });
  });

  it('answers /readyz with 503 and the details when the readiness check fails', async () => {
    const ready: ReadinessCheck = async () => ({ ok: false, details: { database: 'connection refused' } });
    const response = await request(appWith({ ready })).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', details: { database: 'connection refused' } });
  });

  it('answers /readyz with 503 when the readiness check throws', async () => {
    const ready: ReadinessCheck = async () => {
      throw new Error('ECONNREFUSED');
    };
    const response = await request(appWith({ ready })).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', details: { error: 'ECONNREFUSED' } });
  });

  it('serves the injected registry at /metrics in the Prometheus text format', async () => {
    const metrics = createMetricsRegistry({ service: 'contract', defaultMetrics: false });
    const app = appWith({ metrics });
    await request(app).get('/healthz');
    const response = await request(app).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(metrics.contentType);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('http_request_duration_seconds_count{service="contract",method="GET",route="/healthz",status_code="200"} 1');
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await request(appWith()).post('/no/such/route');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'No route for POST /no/such/route' } });
  });

  it('echoes a sane x-request-id and makes one up otherwise', async () => {
    const app = appWith();
    const reused = await request(app).get('/healthz').set('x-request-id', 'lb-1234');
    const fresh = await request(app).get('/healthz');
    expect(reused.headers['x-request-id']).toBe('lb-1234');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  itRefusesHostileUrlsAndSetsSecurityHeaders(createApp);
}

/**
 * The hostile-input and header rules every Vigil service applies before its own routes,
 * as one suite each app runs against its own `createApp` (see itServesTheServiceEndpoints).
 */
export function itRefusesHostileUrlsAndSetsSecurityHeaders(createApp: (deps: ServiceAppDeps) => Express): void {
  const app = () => createApp(testServiceDeps());

  it.each(['/healthz/%00', '/healthz?x=%00', '/no/such/%E0%A4%A', '/%C0%AF', '/x?q=%FF%FE'])('answers 400 invalid_url for %s', async (url) => {
    const response = await request(app()).get(url);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_url');
  });

  it('sets nosniff and a default Content-Security-Policy on every answer, and no-store when credentials were sent', async () => {
    const anonymous = await request(app()).get('/no/such/route');
    expect(anonymous.headers['x-content-type-options']).toBe('nosniff');
    expect(anonymous.headers['content-security-policy']).toContain("default-src 'none'");
    expect(anonymous.headers['cache-control']).toBeUndefined();
    const authenticated = await request(app()).get('/no/such/route').set('Authorization', 'Bearer vk_test');
    expect(authenticated.headers['cache-control']).toBe('no-store');
    expect(authenticated.headers['x-content-type-options']).toBe('nosniff');
  });
}
