import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe.each(testDatabaseKinds())('hostile input to the controller on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write']);
  });
  afterAll(() => harness.dispose());

  it('answers 400 invalid_url for a NUL in a status page path (was a 500)', async () => {
    for (const url of ['/status/%00', '/api/v1/public/status/%00', '/status/shop%00x']) {
      const response = await request(harness.app).get(url);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: { code: 'invalid_url', message: 'The URL path contains a NUL character' } });
    }
  });

  it('answers 400 invalid_url for invalid UTF-8 or a NUL in the management API path or query', async () => {
    const sites = await request(harness.app).get('/api/v1/sites?cursor=%00').set('Authorization', writer);
    expect(sites.status).toBe(400);
    expect(sites.body.error).toEqual({ code: 'invalid_url', message: 'The URL query contains a NUL character' });
    const site = await request(harness.app).get('/api/v1/sites/%FF%FE').set('Authorization', writer);
    expect(site.status).toBe(400);
    expect(site.body.error.code).toBe('invalid_url');
  });

  it('answers 400 json_too_deep for a 40,000-deep channel PATCH (was a 500) and leaves the channel as it was', async () => {
    const created = await request(harness.app)
      .post('/api/v1/notification-channels')
      .set('Authorization', writer)
      .send({ name: 'deep', type: 'webhook', config: { url: 'https://ops.example/hooks/deep' } });
    expect(created.status).toBe(201);
    const response = await request(harness.app)
      .patch(`/api/v1/notification-channels/${created.body.id}`)
      .set('Authorization', writer)
      .set('Content-Type', 'application/json')
      .send(`{"config":${deepObject(40_000)}}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'json_too_deep', message: 'JSON is nested deeper than 64 levels' } });
    const after = await request(harness.app).get(`/api/v1/notification-channels/${created.body.id}`).set('Authorization', writer);
    expect(after.body.config).toEqual({ url: 'https://ops.example/hooks/deep' });
  });

  it('answers 400 for a NUL in a JSON string instead of passing it to the database', async () => {
    const response = await request(harness.app)
      .post('/api/v1/sites')
      .set('Authorization', writer)
      .set('Content-Type', 'application/json')
      .send('{"name":"shop\\u0000","slug":"nul-shop"}');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
    expect(await harness.db.prisma.site.count({ where: { slug: 'nul-shop' } })).toBe(0);
  });

  it('keeps a status page\'s own policy: its inline style, not no-store', async () => {
    await harness.db.prisma.site.create({ data: { name: 'Open shop', slug: 'open-shop', publicStatusPage: true } });
    const page = await request(harness.app).get('/status/open-shop');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('public, max-age=30');
  });

  it('still accepts ordinary nesting and answers management JSON with nosniff and no-store', async () => {
    const response = await request(harness.app).post('/api/v1/sites').set('Authorization', writer).send({ name: 'Plain shop', slug: 'plain-shop' });
    expect(response.status).toBe(201);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    const list = await request(harness.app).get('/api/v1/sites').set('Authorization', writer);
    expect(list.headers['cache-control']).toBe('no-store');
  });
});
