import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import { withTransaction } from '@vigil/db';
import { createRunnerSigner, createRunnerVerifier, type RunnerVerifier } from '@vigil/runner-auth';
import request from 'supertest';
import { syncCheckLocations } from '../scheduling/location-states';
import { createControllerHarness, type ControllerHarness } from '../testing';

// PostgreSQL: two requests racing for one slug on concurrent connections (unique violation).
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the runners API on %s', (kind) => {
  let harness: ControllerHarness;
  let verifier: RunnerVerifier;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    // As the runner API does: the key is looked up by kid on every verification.
    verifier = createRunnerVerifier({
      lookupKey: async (kid) => {
        const runner = await harness.db.prisma.runner.findUnique({ where: { keyId: kid } });
        return runner && { slug: runner.slug, publicKeyPem: runner.publicKey, revoked: runner.revokedAt !== null };
      },
    });
  });
  afterAll(() => harness.dispose());

  const create = (body: object, authorization = harness.admin) =>
    request(harness.app).post('/api/v1/runners').set('Authorization', authorization).send(body);
  const get = (path: string, authorization = harness.admin) => request(harness.app).get(path).set('Authorization', authorization);

  it('creates a runner and answers its private key once, keeping only the public key', async () => {
    const response = await create({ slug: 'eu-west-1', name: 'Dublin' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: 'eu-west-1',
      slug: 'eu-west-1',
      name: 'Dublin',
      kid: expect.any(String),
      public_key: expect.stringContaining('BEGIN PUBLIC KEY'),
      private_key: expect.stringContaining('BEGIN PRIVATE KEY'),
      created_at: expect.any(String),
    });
    const row = await harness.db.prisma.runner.findUniqueOrThrow({ where: { slug: 'eu-west-1' } });
    expect(row.keyId).toBe(response.body.kid);
    expect(row.publicKey).toBe(response.body.public_key);
    expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
  });

  it('answers a private key that signs tokens the stored public key verifies', async () => {
    const response = await create({ slug: 'signer-check' });
    const signer = createRunnerSigner({ slug: 'signer-check', privateKeyPem: response.body.private_key });
    expect(signer.kid).toBe(response.body.kid);
    await expect(verifier.verify(signer.sign())).resolves.toMatchObject({ slug: 'signer-check', kid: response.body.kid });
  });

  it('names a runner after its slug when no name is given', async () => {
    const response = await create({ slug: 'no-name' });
    expect(response.body.name).toBe('no-name');
  });

  it('adds the new runner to every check that names no locations, and only those', async () => {
    const implicit = await createSiteWithCheck(harness.db.prisma);
    const explicit = await createSiteWithCheck(harness.db.prisma);
    await harness.db.prisma.check.update({ where: { id: explicit.check.id }, data: { locations: ['@controller'] } });
    await create({ slug: 'joins-checks' });
    const states = await harness.db.prisma.locationState.findMany({ where: { location: 'joins-checks' } });
    expect(states.map((state) => state.checkId)).toContain(implicit.check.id);
    expect(states.map((state) => state.checkId)).not.toContain(explicit.check.id);
  });

  it('refuses a slug that exists with 409, and a revoked runner’s slug too, saying slugs are not reused', async () => {
    await create({ slug: 'taken' });
    const again = await create({ slug: 'taken' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/not reused/);
    expect((await request(harness.app).delete('/api/v1/runners/taken').set('Authorization', harness.admin)).status).toBe(204);
    const afterRevoke = await create({ slug: 'taken' });
    expect(afterRevoke.status).toBe(409);
    expect(afterRevoke.body.error.message).toMatch(/revoked.*not reused/);
  });

  it('creates a slug once when two requests race for it: one 201, the other 409', async () => {
    const answers = await Promise.all([create({ slug: 'racing' }), create({ slug: 'racing' }), create({ slug: 'racing' })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    expect(await harness.db.prisma.runner.count({ where: { slug: 'racing' } })).toBe(1);
  });

  it('names the invalid field: a slug with capitals, an unknown field', async () => {
    const badSlug = await create({ slug: 'Not_A_Slug' });
    expect(badSlug.status).toBe(422);
    expect(badSlug.body.error.details.problems[0].field).toBe('slug');
    const unknown = await create({ slug: 'ok-slug', colour: 'red' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.problems[0]).toEqual({ field: '', message: 'has unknown field "colour"' });
    const missing = await create({ name: 'x' });
    expect(missing.body.error.details.problems).toEqual([{ field: 'slug', message: 'is required' }]);
  });

  it('lists runners by slug across pages, with last seen and staleness', async () => {
    await harness.db.prisma.runner.update({ where: { slug: 'eu-west-1' }, data: { lastSeenAt: new Date() } });
    await harness.db.prisma.runner.update({ where: { slug: 'no-name' }, data: { lastSeenAt: new Date(Date.now() - 121_000) } });
    const seen: Array<{ slug: string; stale: boolean; last_seen_at: string | null }> = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await get(`/api/v1/runners?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor !== null);
    const all = await harness.db.prisma.runner.findMany({ orderBy: { slug: 'asc' } });
    expect(seen.map((runner) => runner.slug)).toEqual(all.map((runner) => runner.slug));
    const bySlug = new Map(seen.map((runner) => [runner.slug, runner]));
    expect(bySlug.get('eu-west-1')).toMatchObject({ stale: false, last_seen_at: expect.any(String) });
    expect(bySlug.get('no-name')).toMatchObject({ stale: true });
    // Never seen, created a moment ago: not stale yet (counted from its creation, as runner_offline counts).
    expect(bySlug.get('signer-check')).toMatchObject({ stale: false, last_seen_at: null });
    expect(JSON.stringify(seen)).not.toMatch(/PRIVATE KEY|public_key/);
  });

  it('calls a runner stale after the silence its instance is configured with (VIGIL_RUNNER_STALE_AFTER_S)', async () => {
    await harness.db.prisma.runner.update({ where: { slug: 'eu-west-1' }, data: { lastSeenAt: new Date(Date.now() - 20_000) } });
    const staleOf = async (app: typeof harness.app) => {
      const response = await request(app).get('/api/v1/runners/eu-west-1').set('Authorization', harness.admin);
      expect(response.status).toBe(200);
      return response.body.stale;
    };
    const listedStaleOf = async (app: typeof harness.app) => {
      const response = await request(app).get('/api/v1/runners?limit=100').set('Authorization', harness.admin);
      return response.body.data.find((runner: { slug: string }) => runner.slug === 'eu-west-1').stale;
    };
    // 20 s of silence: fresh under the default two minutes, stale under 15 s.
    expect(await staleOf(harness.app)).toBe(false);
    const strict = harness.anotherApp({ runnerStaleAfterMs: 15_000 });
    expect(await staleOf(strict)).toBe(true);
    expect(await listedStaleOf(strict)).toBe(true);
    expect(await listedStaleOf(harness.app)).toBe(false);
    await harness.db.prisma.runner.update({ where: { slug: 'eu-west-1' }, data: { lastSeenAt: new Date() } });
    expect(await staleOf(strict)).toBe(false);
  });

  it('gets one runner by slug, and answers 404 for an unknown one', async () => {
    const response = await get('/api/v1/runners/eu-west-1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'eu-west-1', slug: 'eu-west-1', name: 'Dublin', revoked_at: null, stale: false });
    expect((await get('/api/v1/runners/nobody')).status).toBe(404);
    expect((await get('/api/v1/runners/NOT%20A%20SLUG')).status).toBe(400);
  });

  it('rotates a key: a new kid and stored public key, the old key refused at once and the new one accepted', async () => {
    const created = await create({ slug: 'rotating' });
    const oldSigner = createRunnerSigner({ slug: 'rotating', privateKeyPem: created.body.private_key });
    const rotated = await request(harness.app).post('/api/v1/runners/rotating/rotate-key').set('Authorization', harness.admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body.kid).not.toBe(created.body.kid);
    expect(rotated.body.private_key).not.toBe(created.body.private_key);
    const row = await harness.db.prisma.runner.findUniqueOrThrow({ where: { slug: 'rotating' } });
    expect([row.keyId, row.publicKey]).toEqual([rotated.body.kid, rotated.body.public_key]);
    expect(row.publicKey).not.toBe(created.body.public_key);
    await expect(verifier.verify(oldSigner.sign())).rejects.toMatchObject({ reason: 'unknown_kid' });
    const newSigner = createRunnerSigner({ slug: 'rotating', privateKeyPem: rotated.body.private_key });
    await expect(verifier.verify(newSigner.sign())).resolves.toMatchObject({ slug: 'rotating' });
  });

  it('makes keys the runner API accepts: the new one after rotation, and none after revocation', async () => {
    const poll = (privateKeyPem: string) =>
      request(harness.app)
        .get('/api/runner/checks?limit=1')
        .set('Authorization', `Bearer ${createRunnerSigner({ slug: 'polling', privateKeyPem }).sign()}`);
    const created = await create({ slug: 'polling' });
    expect((await poll(created.body.private_key)).status).toBe(200);
    const rotated = await request(harness.app).post('/api/v1/runners/polling/rotate-key').set('Authorization', harness.admin);
    expect((await poll(created.body.private_key)).status).toBe(401);
    expect((await poll(rotated.body.private_key)).status).toBe(200);
    await request(harness.app).delete('/api/v1/runners/polling').set('Authorization', harness.admin);
    expect((await poll(rotated.body.private_key)).status).toBe(401);
  });

  it('refuses to rotate the key of a revoked runner (409) or of an unknown one (404)', async () => {
    await create({ slug: 'gone' });
    await request(harness.app).delete('/api/v1/runners/gone').set('Authorization', harness.admin);
    expect((await request(harness.app).post('/api/v1/runners/gone/rotate-key').set('Authorization', harness.admin)).status).toBe(409);
    expect((await request(harness.app).post('/api/v1/runners/nobody/rotate-key').set('Authorization', harness.admin)).status).toBe(404);
  });

  it('revokes a runner: implicit location states go, explicit ones stay, and revoking again is 204 too', async () => {
    const created = await create({ slug: 'leaving' });
    const implicit = await createSiteWithCheck(harness.db.prisma);
    const explicit = await createSiteWithCheck(harness.db.prisma);
    await harness.db.prisma.check.update({ where: { id: explicit.check.id }, data: { locations: ['leaving'] } });
    await withTransaction(harness.db, async (tx) => {
      await syncCheckLocations(tx, implicit.check.id);
      await syncCheckLocations(tx, explicit.check.id);
    });
    const statesOf = async () =>
      (await harness.db.prisma.locationState.findMany({ where: { location: 'leaving', checkId: { in: [implicit.check.id, explicit.check.id] } } }))
        .map((state) => state.checkId)
        .sort((a, b) => a - b);
    expect(await statesOf()).toEqual([implicit.check.id, explicit.check.id]);

    const revoke = () => request(harness.app).delete('/api/v1/runners/leaving').set('Authorization', harness.admin);
    const first = await revoke();
    expect(first.status).toBe(204);
    expect(await statesOf()).toEqual([explicit.check.id]);
    const revokedAt = (await harness.db.prisma.runner.findUniqueOrThrow({ where: { slug: 'leaving' } })).revokedAt;
    expect(revokedAt).toBeInstanceOf(Date);

    expect((await revoke()).status).toBe(204);
    expect((await harness.db.prisma.runner.findUniqueOrThrow({ where: { slug: 'leaving' } })).revokedAt).toEqual(revokedAt);
    expect((await get('/api/v1/runners/leaving')).body.revoked_at).toBe(revokedAt?.toISOString());
    const signer = createRunnerSigner({ slug: 'leaving', privateKeyPem: created.body.private_key });
    await expect(verifier.verify(signer.sign())).rejects.toMatchObject({ reason: 'revoked' });
  });

  it('answers 404 when revoking an unknown runner', async () => {
    expect((await request(harness.app).delete('/api/v1/runners/nobody').set('Authorization', harness.admin)).status).toBe(404);
  });

  it('lets a read key list runners but not create, rotate or revoke one; a write key cannot either', async () => {
    const reader = await harness.keyWith(['read']);
    const writer = await harness.keyWith(['write']);
    expect((await get('/api/v1/runners', reader)).status).toBe(200);
    expect((await create({ slug: 'by-reader' }, reader)).status).toBe(403);
    expect((await create({ slug: 'by-writer' }, writer)).status).toBe(403);
    expect((await request(harness.app).post('/api/v1/runners/eu-west-1/rotate-key').set('Authorization', writer)).status).toBe(403);
    expect((await request(harness.app).delete('/api/v1/runners/eu-west-1').set('Authorization', writer)).status).toBe(403);
    expect(await harness.db.prisma.runner.count({ where: { slug: { in: ['by-reader', 'by-writer'] } } })).toBe(0);
  });

  it('answers 401 without a key', async () => {
    expect((await request(harness.app).get('/api/v1/runners')).status).toBe(401);
    expect((await request(harness.app).post('/api/v1/runners').send({ slug: 'anonymous' })).status).toBe(401);
  });
});
