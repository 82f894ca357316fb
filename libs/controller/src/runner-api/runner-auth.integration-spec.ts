import { createHmac, createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { testDatabaseKinds } from '@vigil/db/testing';
import { generateRunnerKeyPair } from '@vigil/runner-auth';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness, type HarnessRunner } from '../testing';
import { resultFor, seedDueChecks } from './test-helpers';

// Tokens are crafted by hand, so each attack is exactly what an attacker could send.
const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
type Signature = { es256: KeyObject } | { hmac: string } | 'none';
function craft(header: Record<string, unknown>, payload: Record<string, unknown>, signature: Signature): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (signature === 'none') return `${input}.`;
  if ('hmac' in signature) return `${input}.${createHmac('sha256', signature.hmac).update(input).digest('base64url')}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: signature.es256, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe.each(testDatabaseKinds())('runner authentication over HTTP on %s', (kind) => {
  let harness: ControllerHarness;
  let runner: HarnessRunner;
  let other: HarnessRunner;
  let revoked: HarnessRunner;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    runner = await harness.addRunner('auth-1');
    other = await harness.addRunner('auth-2');
    revoked = await harness.addRunner('auth-revoked');
    await harness.db.prisma.runner.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
  });
  afterAll(() => harness.dispose());

  const now = () => Math.floor(Date.now() / 1000);
  const key = (who: HarnessRunner) => createPrivateKey(who.privateKeyPem);
  const header = (patch: Record<string, unknown> = {}) => ({ alg: 'ES256', typ: 'JWT', kid: runner.kid, ...patch });
  const claims = (patch: Record<string, unknown> = {}) => ({ sub: runner.slug, aud: 'vigil-controller', iat: now(), exp: now() + 300, jti: 'attack', ...patch });
  const signed = (patch: Record<string, unknown>) => `Bearer ${craft(header(), claims(patch), { es256: key(runner) })}`;
  const poll = (authorization?: string) => {
    const call = request(harness.app).get('/api/runner/checks');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  it('accepts a token the runner signed itself', async () => {
    expect((await poll(signed({}))).status).toBe(200);
    expect((await poll(runner.authorization())).status).toBe(200);
  });

  const attacks: Array<[string, () => string | undefined, string]> = [
    ['no Authorization header', () => undefined, 'missing_token'],
    ['another scheme', () => `Basic ${Buffer.from('auth-1:secret').toString('base64')}`, 'missing_token'],
    ['a token that is not a JWT', () => 'Bearer not-a-jwt', 'malformed'],
    ['an unsigned token (alg none)', () => `Bearer ${craft(header({ alg: 'none' }), claims(), 'none')}`, 'alg_none'],
    ['HS256 signed with the runner’s public key as the secret', () => `Bearer ${craft(header({ alg: 'HS256' }), claims(), { hmac: runner.publicKeyPem })}`, 'alg_hmac'],
    ['ES256 signed by another key under the runner’s kid', () => `Bearer ${craft(header(), claims(), { es256: key(other) })}`, 'bad_signature'],
    [
      'a key no runner has',
      () => {
        const stranger = generateRunnerKeyPair();
        return `Bearer ${craft(header({ kid: stranger.kid }), claims(), { es256: createPrivateKey(stranger.privateKeyPem) })}`;
      },
      'unknown_kid',
    ],
    ['an expired token', () => signed({ iat: now() - 400, exp: now() - 100 }), 'expired'],
    ['a token not valid yet', () => signed({ iat: now() + 120, exp: now() + 400 }), 'not_yet_valid'],
    ['another audience', () => signed({ aud: 'vigil-dashboard' }), 'wrong_audience'],
    ['a runner’s own key speaking as another runner', () => `Bearer ${craft(header({ kid: other.kid }), claims(), { es256: key(other) })}`, 'subject_mismatch'],
    ['a lifetime over 300 s', () => signed({ exp: now() + 301 }), 'lifetime_too_long'],
    [
      'a revoked runner’s perfectly signed token',
      () => `Bearer ${craft(header({ kid: revoked.kid }), claims({ sub: revoked.slug }), { es256: key(revoked) })}`,
      'revoked',
    ],
  ];

  it.each(attacks)('refuses %s with 401 and says why', async (_, authorization, reason) => {
    const token = authorization();
    const response = await poll(token);
    expect(response.status).toBe(401);
    expect(response.body.error).toEqual({ code: 'unauthorized', message: expect.any(String), details: { reason } });
    // Logged at warn with its reason, and never with the token.
    const logged = harness.log.entries().filter((entry) => entry['reason'] === reason);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[logged.length - 1]).toMatchObject({ level: 'warn', message: expect.stringMatching(/^runner authentication refused: /), path: '/api/runner/checks' });
    const signature = token?.split('.')[2];
    if (signature) expect(harness.log.lines().some((line) => line.includes(signature))).toBe(false);
  });

  it('guards the report route the same way', async () => {
    const response = await request(harness.app)
      .post('/api/runner/report')
      .set('Authorization', signed({ aud: 'elsewhere' }))
      .send({ results: [] });
    expect(response.status).toBe(401);
    expect(response.body.error.details).toEqual({ reason: 'wrong_audience' });
  });

  it('refuses a runner revoked mid-lease at once, token unexpired, and stores nothing it reports', async () => {
    const victim = await harness.addRunner('auth-mid-lease');
    await seedDueChecks(harness.db, { locations: [victim.slug] });
    const leased = await poll(victim.authorization());
    expect(leased.body.runs).toHaveLength(1);

    await harness.db.prisma.runner.update({ where: { id: victim.id }, data: { revokedAt: new Date() } });
    const response = await request(harness.app)
      .post('/api/runner/report')
      .set('Authorization', victim.authorization())
      .send({ results: [resultFor(leased.body.runs[0])] });
    expect(response.status).toBe(401);
    expect(response.body.error.details).toEqual({ reason: 'revoked' });
    expect(await harness.db.prisma.checkResult.count({ where: { runId: leased.body.runs[0].run_id } })).toBe(0);
    expect((await poll(victim.authorization())).status).toBe(401);
  });

  it('records when a runner was last seen', async () => {
    const fresh = await harness.addRunner('auth-last-seen');
    const before = Date.now();
    expect((await harness.db.prisma.runner.findUniqueOrThrow({ where: { id: fresh.id } })).lastSeenAt).toBeNull();
    expect((await poll(fresh.authorization())).status).toBe(200);
    const seen = (await harness.db.prisma.runner.findUniqueOrThrow({ where: { id: fresh.id } })).lastSeenAt;
    expect(seen?.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(seen?.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('does not record a refused runner as seen', async () => {
    const refused = await harness.addRunner('auth-never-seen');
    const token = `Bearer ${craft(header({ kid: refused.kid }), claims({ sub: refused.slug, aud: 'elsewhere' }), { es256: key(refused) })}`;
    expect((await poll(token)).status).toBe(401);
    expect((await harness.db.prisma.runner.findUniqueOrThrow({ where: { id: refused.id } })).lastSeenAt).toBeNull();
  });
});
