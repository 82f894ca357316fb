import { allRoutes, routePath } from '@vigil/contracts';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from './testing';

describe('the controller app', () => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    // Every authenticated route is called without credentials: far more than 30 failed authentications a minute.
    harness = await createControllerHarness('embedded', { rateLimits: { authFailuresPerMinute: false } });
  });
  afterAll(() => harness.dispose());

  const someParams = (path: string) =>
    Object.fromEntries([...path.matchAll(/:([A-Za-z_]+)/g)].map(([, name]) => [name, name === 'slug' ? 'us-1' : name === 'action' ? 'start' : crypto.randomUUID()]));

  it('serves every route its OpenAPI document lists, each asking for the credentials it declares', async () => {
    for (const route of allRoutes) {
      const response = await request(harness.app)[route.method](routePath(route, someParams(route.path)));
      // A public route about one resource (a status page) answers 404 for the made-up one asked for,
      // but its own 404, not the fallback's "No route for".
      const expected = route.auth.kind !== 'none' ? 401 : route.params !== undefined && route.errors?.includes(404) ? 404 : 200;
      expect({ route: route.operationId, status: response.status }).toEqual({ route: route.operationId, status: expected });
      expect(JSON.stringify(response.body ?? '')).not.toContain('No route for');
    }
  });

  it('answers a route it does not have with 404 in the error shape', async () => {
    const response = await request(harness.app).get('/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/v1/nothing-here' } });
  });
});
