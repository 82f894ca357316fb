import { createTestDatabase, type TestDatabase } from '@vigil/db/testing';
import { itServesTheServiceEndpoints, testServiceDeps } from '@vigil/http/testing';
import request from 'supertest';
import { createApp } from './app';

describe('the controller API app', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('embedded');
  });
  afterAll(() => database.dispose());

  itServesTheServiceEndpoints((deps) => createApp({ ...deps, db: database.db }));

  it('serves its OpenAPI document at /api/openapi.json without credentials', async () => {
    const response = await request(createApp({ ...testServiceDeps(), db: database.db })).get('/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body.paths['/api/runner/checks'].get.operationId).toBe('pollRuns');
  });
});
