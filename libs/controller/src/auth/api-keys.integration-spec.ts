import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import { createApiKey } from './api-keys';

// The OpenAPI document needs no key; /api/v1/sites needs `read`: enough to prove the authenticator.
describe.each(testDatabaseKinds())('API key authentication on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  const get = (authorization?: string) => {
    const call = request(harness.app).get('/api/v1/sites');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  it('refuses a request without a key with 401 and says how to send one', async () => {
    const response = await get();
    expect(response.status).toBe(401);
    expect(response.body.error.message).toMatch(/Authorization: Bearer vk_/);
  });

  it('refuses an unknown key, and one sent in another scheme', async () => {
    expect((await get('Bearer vk_unknownunknownunknownunknown')).status).toBe(401);
    const { key } = await createApiKey(harness.db.prisma, { name: 'basic', scopes: ['read'] });
    expect((await get(`Basic ${key}`)).status).toBe(401);
    expect((await get(`Bearer ${key}`)).status).toBe(200);
  });

  it('refuses a revoked key and an expired key, saying which', async () => {
    const revoked = await createApiKey(harness.db.prisma, { name: 'revoked', scopes: ['admin'] });
    await harness.db.prisma.apiKey.update({ where: { id: revoked.record.id }, data: { revokedAt: new Date() } });
    const expired = await createApiKey(harness.db.prisma, { name: 'expired', scopes: ['admin'], expiresAt: new Date(Date.now() - 1000) });
    const one = await get(`Bearer ${revoked.key}`);
    const two = await get(`Bearer ${expired.key}`);
    expect([one.status, one.body.error.message]).toEqual([401, 'The API key has been revoked']);
    expect([two.status, two.body.error.message]).toEqual([401, 'The API key has expired']);
  });

  it('answers 403 naming the missing scope when the key’s scopes fall short', async () => {
    const { key } = await createApiKey(harness.db.prisma, { name: 'reader', scopes: ['read'] });
    const response = await request(harness.app).post('/api/v1/api-keys').set('Authorization', `Bearer ${key}`).send({ name: 'x', scopes: ['read'] });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe('This route needs the "admin" scope; the key "reader" has "read"');
  });

  it('records when a key was last used', async () => {
    const { key, record } = await createApiKey(harness.db.prisma, { name: 'used', scopes: ['read'] });
    expect(record.lastUsedAt).toBeNull();
    await get(`Bearer ${key}`);
    const after = await harness.db.prisma.apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });
});
