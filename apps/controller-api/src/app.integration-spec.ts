import { DASHBOARD_CSP } from '@vigil/dashboard';
import { createTestDatabase, type TestDatabase } from '@vigil/db/testing';
import { itServesTheServiceEndpoints, testServiceDeps } from '@vigil/http/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import request from 'supertest';
import { createApp } from './app';

describe('the controller API app', () => {
  let database: TestDatabase;
  const secretKeys = SecretKeyring.fromText(generateSecretKey());
  beforeAll(async () => {
    database = await createTestDatabase('embedded');
  });
  afterAll(() => database.dispose());

  itServesTheServiceEndpoints((deps) => createApp({ ...deps, db: database.db, secretKeys }));

  it('serves its OpenAPI document at /api/openapi.json without credentials', async () => {
    const response = await request(createApp({ ...testServiceDeps(), db: database.db, secretKeys })).get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.paths['/api/runner/checks'].get.operationId).toBe('pollRuns');
  });

  it('serves the dashboard beside the API under its own policy (its files, not no-store), the API keeping its 404s', async () => {
    const app = createApp({ ...testServiceDeps(), db: database.db, secretKeys });
    const dashboard = await request(app).get('/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(dashboard.headers['cache-control']).toBe('no-cache');
    const unknown = await request(app).get('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/json/);
  });
});
