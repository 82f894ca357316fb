import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

/** The seconds of `RateLimit: "<name>"; r=<remaining>; t=<seconds>` (IETF draft-8). */
function rateLimitOf(response: request.Response, name: string): { remaining: number; reset: number } | undefined {
  const header = String(response.headers['ratelimit'] ?? '');
  const match = new RegExp(`"${name}"; r=(\\d+); t=(\\d+)`).exec(header);
  return match === null ? undefined : { remaining: Number(match[1]), reset: Number(match[2]) };
}

function expectRefused(response: request.Response, name: string): void {
  expect(response.status).toBe(429);
  expect(response.body.error.code).toBe('too_many_requests');
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.body.error.details).toEqual({ retry_after_s: retryAfter });
  expect(rateLimitOf(response, name)).toEqual({ remaining: 0, reset: expect.any(Number) });
  expect(String(response.headers['ratelimit-policy'])).toMatch(new RegExp(`"${name}"; q=\\d+; w=60`));
}

describe.each(testDatabaseKinds())('rate limits on %s', (kind) => {
  describe('per API key on the management API', () => {
    let harness: ControllerHarness;
    beforeAll(async () => {
      harness = await createControllerHarness(kind, { rateLimits: { apiPerMinute: 3 } });
    });
    afterAll(() => harness.dispose());

    it('answers 429 with Retry-After and RateLimit headers once a key is over its limit, and other keys go on', async () => {
      const [busy, quiet] = await Promise.all([harness.keyWith(['read'], 'busy'), harness.keyWith(['read'], 'quiet')]);
      const list = (key: string) => request(harness.app).get('/api/v1/sites').set('Authorization', key);
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await list(busy);
        expect(response.status).toBe(200);
        remaining.push(rateLimitOf(response, 'api-key')?.remaining ?? -1);
      }
      expect(remaining).toEqual([2, 1, 0]);
      const refused = await list(busy);
      expectRefused(refused, 'api-key');
      expect(refused.body.error.message).toMatch(/^Too many requests with this API key \(more than 3 a minute\); retry after \d+ s$/);
      expect(refused.headers['cache-control']).toBe('no-store');

      const other = await list(quiet);
      expect(other.status).toBe(200);
      expect(rateLimitOf(other, 'api-key')?.remaining).toBe(2);
    });

    it('counts a key across writes too, and leaves public pages to their own limit', async () => {
      const writer = await harness.keyWith(['write'], 'writer');
      for (let i = 0; i < 3; i++) {
        const created = await request(harness.app).post('/api/v1/sites').set('Authorization', writer).send({ name: `Limited ${i}` });
        expect(created.status).toBe(201);
      }
      expectRefused(await request(harness.app).post('/api/v1/sites').set('Authorization', writer).send({ name: 'One too many' }), 'api-key');
      expect(await harness.db.prisma.site.count({ where: { name: 'One too many' } })).toBe(0);
      // A client over its limit costs no database write: its 429s are not audited.
      const audited = await harness.db.prisma.auditLog.findMany({ where: { route: '/api/v1/sites' }, select: { status: true } });
      expect(audited.map((row) => row.status)).toEqual([201, 201, 201]);
      const page = await request(harness.app).get('/status/no-such-site').set('Authorization', writer);
      expect(page.status).toBe(404);
    });
  });

  describe('per client address', () => {
    let harness: ControllerHarness;
    beforeAll(async () => {
      harness = await createControllerHarness(kind, {
        rateLimits: { publicPerMinute: 2, authFailuresPerMinute: 3 },
        trustProxy: ['loopback'],
      });
    });
    afterAll(() => harness.dispose());

    // Each "client" is a loopback address named by X-Forwarded-For, which the harness trusts from loopback.
    const from = (address: string, test: request.Test) => test.set('X-Forwarded-For', address);

    it('limits the public status pages per address, HTML and JSON together, and not other addresses', async () => {
      const html = await from('127.0.0.11', request(harness.app).get('/status/no-such-site'));
      expect(html.status).toBe(404);
      expect(rateLimitOf(html, 'public')?.remaining).toBe(1);
      expect((await from('127.0.0.11', request(harness.app).get('/api/v1/public/status/no-such-site'))).status).toBe(404);
      const refused = await from('127.0.0.11', request(harness.app).get('/status/no-such-site'));
      expectRefused(refused, 'public');
      expect(refused.body.error.message).toMatch(/^Too many requests for public pages from this address/);

      expect((await from('127.0.0.12', request(harness.app).get('/status/no-such-site'))).status).toBe(404);
      // Not a status page: the health and management routes keep answering this address.
      expect((await from('127.0.0.11', request(harness.app).get('/healthz'))).status).toBe(200);
      expect((await from('127.0.0.11', request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin))).status).toBe(200);
    });

    it('refuses an address after too many failed authentications, even with a valid key, for the rest of the window', async () => {
      const address = '127.0.0.21';
      for (const key of ['Bearer vk_wrong1', 'Bearer vk_wrong2', 'nonsense']) {
        const response = await from(address, request(harness.app).get('/api/v1/sites').set('Authorization', key));
        expect(response.status).toBe(401);
      }
      const refused = await from(address, request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin));
      expectRefused(refused, 'auth-failures');
      expect(refused.body.error.message).toMatch(/^Too many failed authentications from this address \(more than 3 a minute\)/);
      // The runner API is behind the same count.
      expectRefused(await from(address, request(harness.app).get('/api/runner/checks').set('Authorization', 'Bearer x')), 'auth-failures');

      // Another address, and a valid key, are not affected.
      const other = await from('127.0.0.22', request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin));
      expect(other.status).toBe(200);
    });

    it('counts failed runner authentications too, and successful ones not at all', async () => {
      const address = '127.0.0.31';
      for (let i = 0; i < 5; i++) {
        expect((await from(address, request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin))).status).toBe(200);
      }
      for (let i = 0; i < 3; i++) {
        expect((await from(address, request(harness.app).post('/api/runner/report').set('Authorization', 'Bearer not-a-jwt').send({}))).status).toBe(401);
      }
      expectRefused(await from(address, request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin)), 'auth-failures');
    });
  });

  describe('turned off', () => {
    let harness: ControllerHarness;
    beforeAll(async () => {
      harness = await createControllerHarness(kind, { rateLimits: { apiPerMinute: false, publicPerMinute: false, authFailuresPerMinute: false } });
    });
    afterAll(() => harness.dispose());

    it('sends no RateLimit header and never answers 429', async () => {
      for (let i = 0; i < 5; i++) {
        const wrong = await request(harness.app).get('/api/v1/sites').set('Authorization', 'Bearer vk_wrong');
        expect(wrong.status).toBe(401);
        const right = await request(harness.app).get('/api/v1/sites').set('Authorization', harness.admin);
        expect(right.status).toBe(200);
        expect(right.headers['ratelimit']).toBeUndefined();
        expect((await request(harness.app).get('/status/nothing')).status).toBe(404);
      }
    });
  });
});
