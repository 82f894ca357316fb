import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEARTBEAT_LOCATION, PING_BODY_EXCERPT_BYTES } from '@vigil/contracts';
import { testDatabaseKinds } from '@vigil/db/testing';
import { freshForMs } from '@vigil/quorum';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

// Issue 17: heartbeat checks through the API and their ping URLs, on PGlite and PostgreSQL (the
// ping route locks the check row and inserts with ON CONFLICT, which both must honour alike).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('heartbeat checks and their ping URLs on %s', (kind) => {
  let harness: ControllerHarness;
  let siteId: string;
  beforeAll(async () => {
    harness = await createControllerHarness(kind, { limits: { pingBurst: 1000 }, publicUrl: 'https://vigil.example' });
    siteId = (await post('/api/v1/sites', { name: 'Jobs' })).body.id;
  });
  afterAll(() => harness.dispose());

  const post = (path: string, body: object) => request(harness.app).post(path).set('Authorization', harness.admin).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', harness.admin);
  const problems = (response: request.Response): Array<{ field: string; message: string }> => response.body.error.details.problems;

  /** A new heartbeat check: its id and ping token. */
  async function heartbeat(spec: object = { period_s: 60, grace_s: 30 }): Promise<{ id: string; token: string; checkId: number }> {
    const created = await post('/api/v1/checks', { site_id: siteId, type: 'heartbeat', target: 'nightly-backup', spec });
    expect(created.status).toBe(201);
    const url = await get(`/api/v1/checks/${created.body.id}/ping-url`);
    expect(url.status).toBe(200);
    const stored = await harness.db.prisma.check.findUniqueOrThrow({ where: { uuid: created.body.id } });
    return { id: created.body.id, token: url.body.token, checkId: stored.id };
  }
  const results = (checkId: number) => harness.db.prisma.checkResult.findMany({ where: { checkId }, orderBy: { id: 'asc' } });
  const pings = (checkId: number) => harness.db.prisma.heartbeatPing.findMany({ where: { checkId }, orderBy: { id: 'asc' } });

  it('creates a heartbeat check with one @heartbeat location and quorum 1 of 1, and a 192-bit URL-safe token only write keys see', async () => {
    const created = await post('/api/v1/checks', { site_id: siteId, type: 'heartbeat', spec: { period_s: 3600, grace_s: 600 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'heartbeat',
      target: 'heartbeat',
      spec: { period_s: 3600, grace_s: 600 },
      interval_s: 4200,
      locations: [HEARTBEAT_LOCATION],
      effective_locations: [HEARTBEAT_LOCATION],
      failing_threshold: 1,
      passing_threshold: 1,
      failing_locations_threshold: 1,
    });
    expect(JSON.stringify(created.body)).not.toMatch(/token|ping_url/);
    const url = await get(`/api/v1/checks/${created.body.id}/ping-url`);
    expect(url.body.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(url.body.ping_url).toBe(`https://vigil.example/ping/${url.body.token}`);
    const reader = await harness.keyWith(['read']);
    expect((await request(harness.app).get(`/api/v1/checks/${created.body.id}/ping-url`).set('Authorization', reader)).status).toBe(403);
    expect((await request(harness.app).get(`/api/v1/checks/${created.body.id}/pings`).set('Authorization', reader)).status).toBe(200);
    // Never leased: no runner poll ever sees it (runner slugs cannot start with @).
    const state = await harness.db.prisma.locationState.findFirstOrThrow({ where: { check: { uuid: created.body.id } } });
    expect(state.location).toBe(HEARTBEAT_LOCATION);
  });

  it('refuses schedule settings on a heartbeat check, on creation and on change, naming them', async () => {
    const refused = await post('/api/v1/checks', { site_id: siteId, type: 'heartbeat', interval_s: 60, spec: { period_s: 0 } });
    expect(refused.status).toBe(422);
    expect(problems(refused).map((p) => p.field).sort()).toEqual(['', 'spec.period_s']);
    const { id } = await heartbeat();
    const patched = await request(harness.app).patch(`/api/v1/checks/${id}`).set('Authorization', harness.admin).send({ timeout_ms: 5000, locations: ['eu-1'] });
    expect(patched.status).toBe(422);
    expect(problems(patched).map((p) => p.field)).toEqual(['timeout_ms', 'locations']);
    const changed = await request(harness.app).patch(`/api/v1/checks/${id}`).set('Authorization', harness.admin).send({ spec: { period_s: 120, grace_s: 10 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ spec: { period_s: 120, grace_s: 10 }, interval_s: 130 });
  });

  it('moves fresh_until with a new period or grace, by the freshness rule of the new interval', async () => {
    const { id, checkId } = await heartbeat();
    const last = new Date('2026-12-04T12:00:00.000Z');
    await harness.db.prisma.locationState.updateMany({ where: { checkId }, data: { lastResultAt: last, freshUntil: last } });
    const changed = await request(harness.app).patch(`/api/v1/checks/${id}`).set('Authorization', harness.admin).send({ spec: { period_s: 120, grace_s: 10 } });
    expect(changed.status).toBe(200);
    const stored = await harness.db.prisma.check.findUniqueOrThrow({ where: { id: checkId } });
    expect(stored.intervalS).toBe(130);
    const [state] = await harness.db.prisma.locationState.findMany({ where: { checkId } });
    expect(state?.freshUntil).toEqual(new Date(last.getTime() + freshForMs(stored)));
  });

  it('counts a success ping as an ok result at @heartbeat, sets the deadline to period + grace, and lists it', async () => {
    const { id, token, checkId } = await heartbeat();
    const response = await request(harness.app).get(`/ping/${token}`).set('User-Agent', 'curl/8.5.0');
    expect(response.status).toBe(200);
    expect(response.text).toBe('OK');
    const [result] = await results(checkId);
    expect(result).toMatchObject({ location: HEARTBEAT_LOCATION, ok: true, errorCode: null });
    const [stored] = await pings(checkId);
    expect(stored).toMatchObject({ kind: 'success', exitCode: null, userAgent: 'curl/8.5.0', durationMs: null });
    const state = await harness.db.prisma.locationState.findFirstOrThrow({ where: { checkId } });
    expect(state.nextDueAt.getTime() - stored.receivedAt.getTime()).toBe(90_000);
    const listed = await get(`/api/v1/checks/${id}/pings`);
    expect(listed.body.data).toEqual([expect.objectContaining({ kind: 'success', user_agent: 'curl/8.5.0', body: null })]);
  });

  it('measures a run from its start to its success, and fails a run on fail and on exit codes 1-255', async () => {
    const { token, checkId } = await heartbeat();
    expect((await request(harness.app).post(`/ping/${token}/start`)).status).toBe(200);
    const state = await harness.db.prisma.locationState.findFirstOrThrow({ where: { checkId } });
    const [start] = await pings(checkId);
    expect(state.nextDueAt.getTime() - start.receivedAt.getTime()).toBe(30_000);
    await sleep(60);
    expect((await request(harness.app).get(`/ping/${token}/0`)).status).toBe(200);
    const afterStart = await pings(checkId);
    expect(afterStart[1]).toMatchObject({ kind: 'success', exitCode: 0 });
    expect(afterStart[1].durationMs).toBeGreaterThanOrEqual(50);
    expect((await results(checkId))[0]).toMatchObject({ ok: true, latencyMs: afterStart[1].durationMs });

    expect((await request(harness.app).get(`/ping/${token}/fail`)).status).toBe(200);
    expect((await request(harness.app).post(`/ping/${token}/3`)).status).toBe(200);
    const [, fail, exit] = await results(checkId);
    expect(fail).toMatchObject({ ok: false, errorCode: 'fail', error: 'the job reported a failure' });
    expect(exit).toMatchObject({ ok: false, errorCode: 'exit_code', error: 'the job exited with code 3', details: expect.objectContaining({ exit_code: 3 }) });
    // A fail has no deadline: the check is down until a success.
    expect((await harness.db.prisma.locationState.findFirstOrThrow({ where: { checkId } })).nextDueAt.getUTCFullYear()).toBe(9999);

    for (const bad of ['256', 'log', '-1']) {
      const refused = await request(harness.app).get(`/ping/${token}/${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_ping');
    }
    expect(await results(checkId)).toHaveLength(3);
  });

  it('counts the same rid (query or header) once, and pairs a start and its end by rid', async () => {
    const { token, checkId } = await heartbeat();
    const rid = randomUUID();
    expect((await request(harness.app).get(`/ping/${token}/start?rid=${rid}`)).text).toBe('OK');
    const first = await request(harness.app).get(`/ping/${token}?rid=${rid}`);
    const again = await request(harness.app).get(`/ping/${token}`).set('X-Vigil-Ping-Id', rid.toUpperCase());
    expect([first.text, again.text]).toEqual(['OK', 'OK (duplicate)']);
    const stored = await pings(checkId);
    expect(stored.map((p) => p.kind)).toEqual(['start', 'success']);
    expect(stored[1].durationMs).not.toBeNull();
    const [result] = await results(checkId);
    expect(result.runId).toBe(rid);
    expect(await results(checkId)).toHaveLength(1);
    expect((await request(harness.app).get(`/ping/${token}?rid=not-a-uuid`)).status).toBe(400);
  });

  it('answers HEAD like GET, without a body, and counts it', async () => {
    const { token, checkId } = await heartbeat();
    const response = await request(harness.app).head(`/ping/${token}`);
    expect(response.status).toBe(200);
    expect(response.text ?? '').toBe('');
    expect(await results(checkId)).toHaveLength(1);
  });

  it('answers 404 for an unknown or malformed token and says nothing more', async () => {
    const unknown = await request(harness.app).get('/ping/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const malformed = await request(harness.app).post('/ping/x').send('hello');
    for (const response of [unknown, malformed]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not_found', message: 'Not found' } });
    }
  });

  it('keeps the first 10 KB of a POST body (a log tail) and refuses a body over 100 KB with 413', async () => {
    const { token, checkId } = await heartbeat();
    const log = `${'x'.repeat(PING_BODY_EXCERPT_BYTES)}TAIL`;
    expect((await request(harness.app).post(`/ping/${token}/fail`).set('Content-Type', 'text/plain').send(log)).status).toBe(200);
    const [stored] = await pings(checkId);
    expect(stored.body).toBe('x'.repeat(PING_BODY_EXCERPT_BYTES));
    const tooLarge = await request(harness.app).post(`/ping/${token}`).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(101 * 1024, 1));
    expect(tooLarge.status).toBe(413);
    expect(await pings(checkId)).toHaveLength(1);
  });

  it('records a ping to a disabled check without counting it', async () => {
    const { id, token, checkId } = await heartbeat();
    await request(harness.app).patch(`/api/v1/checks/${id}`).set('Authorization', harness.admin).send({ enabled: false });
    expect((await request(harness.app).get(`/ping/${token}`)).status).toBe(200);
    expect(await pings(checkId)).toHaveLength(1);
    expect(await results(checkId)).toHaveLength(0);
  });

  it('rotates the token: the old URL is 404 at once, the new one works, and the audit log has the change without the token', async () => {
    const { id, token, checkId } = await heartbeat();
    const rotated = await post(`/api/v1/checks/${id}/ping-token`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).not.toBe(token);
    expect((await request(harness.app).get(`/ping/${token}`)).status).toBe(404);
    expect((await request(harness.app).get(`/ping/${rotated.body.token}`)).status).toBe(200);
    expect(await results(checkId)).toHaveLength(1);
    const audit = await harness.db.prisma.auditLog.findMany({ where: { route: '/api/v1/checks/:id/ping-token' } });
    expect(audit).toEqual([expect.objectContaining({ method: 'POST', resourceId: id, status: 200 })]);
    expect(JSON.stringify(audit, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(rotated.body.token);
    // Only heartbeat checks have a ping URL.
    const http = await post('/api/v1/checks', { site_id: siteId, type: 'http', target: 'https://example.com/' });
    expect((await post(`/api/v1/checks/${http.body.id}/ping-token`, {})).status).toBe(404);
  });

  it('describes the ping routes and the heartbeat spec in the OpenAPI document', async () => {
    const text = JSON.stringify((await get('/api/openapi.json')).body);
    for (const fragment of ['/ping/{token}', '/ping/{token}/{action}', '/api/v1/checks/{id}/pings', '/api/v1/checks/{id}/ping-token', 'period_s', 'grace_s']) {
      expect(text).toContain(fragment);
    }
  });
});

describe('the ping rate limit', () => {
  it('answers 429 with Retry-After and a message once a token spent its burst', async () => {
    const harness = await createControllerHarness('embedded', { limits: { pingBurst: 3, pingsPerSecond: 0.01 } });
    try {
      const site = await request(harness.app).post('/api/v1/sites').set('Authorization', harness.admin).send({ name: 'Limited' });
      const check = await request(harness.app)
        .post('/api/v1/checks')
        .set('Authorization', harness.admin)
        .send({ site_id: site.body.id, type: 'heartbeat' });
      const { token } = (await request(harness.app).get(`/api/v1/checks/${check.body.id}/ping-url`).set('Authorization', harness.admin)).body;
      for (let i = 0; i < 3; i++) expect((await request(harness.app).get(`/ping/${token}`)).status).toBe(200);
      const limited = await request(harness.app).get(`/ping/${token}`);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.body.error.message).toMatch(/^Too many pings for this check; retry after \d+ s$/);
      // Per token: unknown tokens are 404, not counted against it.
      expect((await request(harness.app).get('/ping/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB')).status).toBe(404);
    } finally {
      await harness.dispose();
    }
  });
});
