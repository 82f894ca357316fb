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
});
