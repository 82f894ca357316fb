import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { hashApiKey } from '../auth/api-keys';
import { createControllerHarness, type ControllerHarness } from '../testing';

describe.each(testDatabaseKinds())('the API keys API on %s', (kind) => {
  let harness: ControllerHarness;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
  });
  afterAll(() => harness.dispose());

  const create = (body: object, authorization = harness.admin) =>
    request(harness.app).post('/api/v1/api-keys').set('Authorization', authorization).send(body);
  const revoke = (id: string, authorization = harness.admin) =>
    request(harness.app).delete(`/api/v1/api-keys/${id}`).set('Authorization', authorization);
  const problemsOf = (response: request.Response) => response.body.error.details.problems as Array<{ field: string; message: string }>;

  it('creates a key and shows the whole key once; only its hash is stored', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const response = await create({ name: 'ci deploys', scopes: ['write', 'read'], expires_at: expiresAt });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      name: 'ci deploys',
      prefix: response.body.key.slice(0, 9),
      scopes: ['read', 'write'],
      key: expect.stringMatching(/^vk_[0-9A-Za-z]{40}$/),
      created_at: expect.any(String),
      expires_at: expiresAt,
    });
    const row = await harness.db.prisma.apiKey.findUniqueOrThrow({ where: { uuid: response.body.id } });
    expect(row.hash).toBe(hashApiKey(response.body.key));
    expect(JSON.stringify(row)).not.toContain(response.body.key);
    expect(response.text).not.toContain(row.hash);
  });

  it('makes a key that authenticates with its scopes, and after DELETE is refused with 401', async () => {
    const created = await create({ name: 'short-lived', scopes: ['read'] });
    const authorization = `Bearer ${created.body.key}`;
    expect((await request(harness.app).get('/api/v1/runners').set('Authorization', authorization)).status).toBe(200);
    expect((await request(harness.app).post('/api/v1/runners').set('Authorization', authorization).send({ slug: 'nope' })).status).toBe(403);

    expect((await revoke(created.body.id)).status).toBe(204);
    const refused = await request(harness.app).get('/api/v1/runners').set('Authorization', authorization);
    expect([refused.status, refused.body.error.message]).toEqual([401, 'The API key has been revoked']);
  });

  it('revokes idempotently: a second DELETE is 204 and keeps the first revocation time', async () => {
    const created = await create({ name: 'twice', scopes: ['read'] });
    await revoke(created.body.id);
    const first = (await harness.db.prisma.apiKey.findUniqueOrThrow({ where: { uuid: created.body.id } })).revokedAt;
    expect((await revoke(created.body.id)).status).toBe(204);
    expect((await harness.db.prisma.apiKey.findUniqueOrThrow({ where: { uuid: created.body.id } })).revokedAt).toEqual(first);
  });

  it('answers 404 when revoking an unknown key', async () => {
    expect((await revoke('0b9f8a5e-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('lists keys newest first across pages, never with the key or its hash', async () => {
    const created = await create({ name: 'listed', scopes: ['admin'] });
    await revoke(created.body.id);
    const pages: request.Response[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(harness.app)
        .get(`/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set('Authorization', harness.admin);
      expect(page.status).toBe(200);
      pages.push(page);
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    const listed = pages.flatMap((page) => page.body.data as Array<Record<string, unknown>>);
    const rows = await harness.db.prisma.apiKey.findMany({ orderBy: { id: 'desc' } });
    expect(listed.map((key) => key['id'])).toEqual(rows.map((row) => row.uuid));
    expect(listed[0]).toEqual({
      id: created.body.id,
      name: 'listed',
      prefix: created.body.prefix,
      scopes: ['admin'],
      created_at: created.body.created_at,
      last_used_at: null,
      expires_at: null,
      revoked_at: expect.any(String),
    });
    for (const page of pages) {
      for (const row of rows) expect(page.text).not.toContain(row.hash);
      expect(page.text).not.toContain(created.body.key);
      expect(page.text).not.toMatch(/"(hash|key)"/);
    }
    expect(listed.find((key) => key['name'] === 'test admin')?.['last_used_at']).toEqual(expect.any(String));
  });

  it('names the invalid field: no scopes, an unknown scope, a repeated one, a past expiry, an empty name', async () => {
    const cases: Array<[object, string]> = [
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['root'] }, 'scopes[0]'],
      [{ name: 'x', scopes: ['read', 'read'] }, 'scopes'],
      [{ name: 'x', scopes: ['read'], expires_at: new Date(Date.now() - 1000).toISOString() }, 'expires_at'],
      [{ name: '  ', scopes: ['read'] }, 'name'],
      [{ scopes: ['read'] }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect([response.status, problemsOf(response)[0].field]).toEqual([422, field]);
    }
  });

  it('lets only admin keys manage keys: a write key gets 403, no key gets 401', async () => {
    const writer = await harness.keyWith(['write']);
    expect((await create({ name: 'by writer', scopes: ['read'] }, writer)).status).toBe(403);
    expect((await request(harness.app).get('/api/v1/api-keys').set('Authorization', writer)).status).toBe(403);
    expect((await revoke('0b9f8a5e-0000-4000-8000-000000000000', writer)).status).toBe(403);
    expect(await harness.db.prisma.apiKey.count({ where: { name: 'by writer' } })).toBe(0);
    expect((await request(harness.app).post('/api/v1/api-keys').send({ name: 'anonymous', scopes: ['admin'] })).status).toBe(401);
  });
});
