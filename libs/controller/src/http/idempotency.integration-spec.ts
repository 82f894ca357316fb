import { testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';
import { IDEMPOTENCY_TTL_MS, idempotencyStore, requestHash } from './idempotency';

// PostgreSQL: concurrent duplicates and a second controller instance on one database.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('Idempotency-Key on management POSTs on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  let siteId: string;
  let site: number;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write'], 'writer');
    const created = await request(harness.app).post('/api/v1/sites').set('Authorization', harness.admin).send({ name: 'Keyed' });
    siteId = created.body.id;
    site = (await harness.db.prisma.site.findUniqueOrThrow({ where: { uuid: siteId } })).id;
  });
  afterAll(() => harness.dispose());

  // Targets are stored, never probed here: `.invalid` never resolves.
  const checkBody = (name: string) => ({ site_id: siteId, type: 'http', target: `https://${name}.example.invalid/`, name });
  const post = (path: string, body: object, key?: string, authorization = writer) => {
    const call = request(harness.app).post(path).set('Authorization', authorization);
    return (key === undefined ? call : call.set('Idempotency-Key', key)).send(body);
  };
  const checksNamed = (name: string) => harness.db.prisma.check.count({ where: { name, endpoint: { siteId: site } } });
  const rows = (key: string) => harness.db.prisma.idempotentRequest.findMany({ where: { key } });

  it('creates one check for two POSTs with the same key, and answers the second with the first answer', async () => {
    const first = await post('/api/v1/checks', checkBody('twice'), 'key-twice');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await post('/api/v1/checks', checkBody('twice'), 'key-twice');
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await checksNamed('twice')).toBe(1);
  });

  it('takes the same fields in another order as the same request', async () => {
    const body = checkBody('ordered');
    const first = await post('/api/v1/checks', body, 'key-ordered');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await post('/api/v1/checks', reordered, 'key-ordered');
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(await checksNamed('ordered')).toBe(1);
  });

  it('answers 422 idempotency_key_reused to the same key with another body, and changes nothing', async () => {
    await post('/api/v1/checks', checkBody('reused-a'), 'key-reused').expect(201);
    const other = await post('/api/v1/checks', checkBody('reused-b'), 'key-reused');
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', message: expect.stringContaining('key-reused') });
    expect(await checksNamed('reused-b')).toBe(0);
  });

  it('answers 422 to the same key on another route', async () => {
    await post('/api/v1/checks', checkBody('route-a'), 'key-route').expect(201);
    const site = await post('/api/v1/sites', { name: 'Route B' }, 'key-route');
    expect(site.status).toBe(422);
    expect(site.body.error.code).toBe('idempotency_key_reused');
    expect(await harness.db.prisma.site.count({ where: { name: 'Route B' } })).toBe(0);
  });

  it('scopes keys per API key: another key with the same Idempotency-Key runs on its own', async () => {
    const other = await harness.keyWith(['write'], 'other writer');
    const mine = await post('/api/v1/checks', checkBody('scoped'), 'key-scoped');
    const theirs = await post('/api/v1/checks', checkBody('scoped'), 'key-scoped', other);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await checksNamed('scoped')).toBe(2);
  });

  it('creates two checks for two POSTs without the header, as before', async () => {
    const first = await post('/api/v1/checks', checkBody('unkeyed'));
    const second = await post('/api/v1/checks', checkBody('unkeyed'));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(await checksNamed('unkeyed')).toBe(2);
  });

  it('runs a request anew once its key is older than 24 h, and removes expired keys', async () => {
    const first = await post('/api/v1/checks', checkBody('expired'), 'key-expired');
    const stale = await harness.keyWith(['write'], 'stale writer');
    await post('/api/v1/checks', checkBody('expired-other'), 'key-stale', stale).expect(201);
    const dayAgo = new Date(Date.now() - IDEMPOTENCY_TTL_MS - 1000);
    await harness.db.prisma.idempotentRequest.updateMany({ where: { key: { in: ['key-expired', 'key-stale'] } }, data: { createdAt: dayAgo } });

    const again = await post('/api/v1/checks', checkBody('expired'), 'key-expired');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
    expect(await checksNamed('expired')).toBe(2);
    // Lazily swept by that claim, whoever's key it was.
    expect(await rows('key-stale')).toEqual([]);
    const [kept] = await rows('key-expired');
    expect(kept.createdAt.getTime()).toBeGreaterThan(dayAgo.getTime());
  });

  it('releases the key of a request that failed, so the same key may be retried', async () => {
    const missingSite = { ...checkBody('retried'), site_id: '00000000-0000-4000-8000-000000000000' };
    // An unknown site is found out by the handler (422 naming site_id), after the key was claimed.
    const failed = await post('/api/v1/checks', missingSite, 'key-retried');
    expect(failed.status).toBe(422);
    expect(failed.body.error.details.problems).toEqual([expect.objectContaining({ field: 'site_id' })]);
    expect(await rows('key-retried')).toEqual([]);
    const failedAgain = await post('/api/v1/checks', missingSite, 'key-retried');
    expect(failedAgain.status).toBe(422);
    expect(failedAgain.headers['idempotent-replayed']).toBeUndefined();
    // Nor do requests the contract refuses before the handler runs.
    await post('/api/v1/checks', { site_id: siteId }, 'key-retried').expect(422);
    expect(await rows('key-retried')).toEqual([]);
    await post('/api/v1/checks', checkBody('retried'), 'key-retried').expect(201);
    expect(await checksNamed('retried')).toBe(1);
  });

  it('answers 409 idempotency_request_in_flight while the first request with the key runs', async () => {
    const writerId = (await harness.db.prisma.apiKey.findFirstOrThrow({ where: { name: 'writer' } })).id;
    const body = checkBody('in-flight');
    // What the first request's claim leaves while its handler runs.
    await idempotencyStore(harness.db).claim({
      apiKeyId: writerId,
      key: 'key-in-flight',
      hash: requestHash('post', '/api/v1/checks', body),
      method: 'POST',
      route: '/api/v1/checks',
    });
    const second = await post('/api/v1/checks', body, 'key-in-flight');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_request_in_flight');
    expect(await checksNamed('in-flight')).toBe(0);
  });

  it('runs concurrent duplicates once: every answer is the first one or a 409', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => post('/api/v1/checks', checkBody('racing'), 'key-racing')));
    expect(await checksNamed('racing')).toBe(1);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.body.id)).size).toBe(1);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('idempotency_request_in_flight');
    }
  });

  it('refuses a key that is too long or not printable ASCII with 400', async () => {
    for (const key of ['x'.repeat(256), 'caf\u00e9']) {
      const response = await post('/api/v1/checks', checkBody('bad-key'), key);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_idempotency_key');
    }
    await post('/api/v1/checks', checkBody('long-key'), 'y'.repeat(255)).expect(201);
    expect(await checksNamed('bad-key')).toBe(0);
  });

  it('makes the other management POSTs idempotent too: sites, maintenance windows', async () => {
    const first = await post('/api/v1/sites', { name: 'Once' }, 'key-site');
    const second = await post('/api/v1/sites', { name: 'Once' }, 'key-site');
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(await harness.db.prisma.site.count({ where: { name: 'Once' } })).toBe(1);

    const window = { site_id: siteId, starts_at: new Date(Date.now() + 3_600_000).toISOString(), ends_at: new Date(Date.now() + 7_200_000).toISOString(), reason: 'once' };
    const w1 = await post('/api/v1/maintenance-windows', window, 'key-window');
    const w2 = await post('/api/v1/maintenance-windows', window, 'key-window');
    expect(w1.status).toBe(201);
    expect(w2.body).toEqual(w1.body);
    expect(await harness.db.prisma.maintenanceWindow.count({ where: { reason: 'once' } })).toBe(1);
  });

  it('replays on another controller instance sharing the database', async () => {
    const first = await post('/api/v1/checks', checkBody('instances'), 'key-instances');
    const second = await request(harness.anotherApp())
      .post('/api/v1/checks')
      .set('Authorization', writer)
      .set('Idempotency-Key', 'key-instances')
      .send(checkBody('instances'));
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await checksNamed('instances')).toBe(1);
  });

  it('stores a channel creation as answered, its secrets masked, and replays it', async () => {
    const secret = 'whsec-IDEMPOTENCY-SIGNING-SECRET';
    const channel = { name: 'keyed hook', type: 'webhook', config: { url: 'https://hooks.example.invalid/vigil', secret } };
    const first = await post('/api/v1/notification-channels', channel, 'key-channel');
    expect(first.status).toBe(201);
    const second = await post('/api/v1/notification-channels', channel, 'key-channel');
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.text).not.toContain(secret);
    const [row] = await rows('key-channel');
    expect(JSON.stringify(row.responseBody)).not.toContain(secret);
    expect(row.responseBody).toEqual(first.body);
    expect(await harness.db.prisma.notificationChannel.count({ where: { name: 'keyed hook' } })).toBe(1);
  });

  it('keeps no answer that carries a secret: a replayed API key creation answers 409 idempotency_replay_unavailable', async () => {
    const first = await post('/api/v1/api-keys', { name: 'made once', scopes: ['read'] }, 'key-api-key', harness.admin);
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(/^vk_/);
    const second = await post('/api/v1/api-keys', { name: 'made once', scopes: ['read'] }, 'key-api-key', harness.admin);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_replay_unavailable');
    expect(JSON.stringify(second.body)).not.toContain(first.body.key);
    expect(await harness.db.prisma.apiKey.count({ where: { name: 'made once' } })).toBe(1);
    const [row] = await rows('key-api-key');
    expect(row).toMatchObject({ status: 201, responseWithheld: true, responseBody: null });
  });

  it('keeps no runner private key either', async () => {
    const first = await post('/api/v1/runners', { slug: 'keyed-1', name: 'Keyed' }, 'key-runner', harness.admin);
    expect(first.status).toBe(201);
    const second = await post('/api/v1/runners', { slug: 'keyed-1', name: 'Keyed' }, 'key-runner', harness.admin);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('idempotency_replay_unavailable');
    const [row] = await rows('key-runner');
    expect(JSON.stringify(row.responseBody)).not.toContain('PRIVATE KEY');

    const rotated = await post('/api/v1/runners/keyed-1/rotate-key', {}, 'key-rotate', harness.admin);
    expect(rotated.status).toBe(200);
    const [rotation] = await rows('key-rotate');
    expect(rotation).toMatchObject({ responseWithheld: true, responseBody: null });
  });
});
