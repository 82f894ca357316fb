import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RunnerAuthError, type RunnerAuthReason } from './errors';
import { generateRunnerKeyPair } from './keys';
import { createRunnerSigner } from './sign';
import { bearerToken, createRunnerVerifier, type RunnerKeyRecord, type RunnerVerifierOptions } from './verify';

// Tokens are crafted by hand below (not with the signer), so each attack is exactly what an attacker could send.

const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;

const alice = generateRunnerKeyPair(); // runner us-1
const bob = generateRunnerKeyPair(); // runner eu-1
const revoked = generateRunnerKeyPair(); // runner ap-1, revoked
const alicePrivate = createPrivateKey(alice.privateKeyPem);
const bobPrivate = createPrivateKey(bob.privateKeyPem);

const runners = new Map<string, RunnerKeyRecord>([
  [alice.kid, { slug: 'us-1', publicKeyPem: alice.publicKeyPem, revoked: false }],
  [bob.kid, { slug: 'eu-1', publicKeyPem: bob.publicKeyPem, revoked: false }],
  [revoked.kid, { slug: 'ap-1', publicKeyPem: revoked.publicKeyPem, revoked: true }],
]);

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Signature = { es256: KeyObject } | { hmac: string } | 'none';
function craft(header: Record<string, unknown>, payload: Record<string, unknown>, signature: Signature): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (signature === 'none') return `${input}.`;
  if ('hmac' in signature) return `${input}.${createHmac('sha256', signature.hmac).update(input).digest('base64url')}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: signature.es256, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const header = (patch: Record<string, unknown> = {}) => ({ alg: 'ES256', typ: 'JWT', kid: alice.kid, ...patch });
const claims = (patch: Record<string, unknown> = {}) => ({ sub: 'us-1', aud: 'vigil-controller', iat: NOW, exp: NOW + 300, jti: 'j-1', ...patch });
const valid = (patch: Record<string, unknown> = {}) => craft(header(), claims(patch), { es256: alicePrivate });

function verifier(patch: Partial<RunnerVerifierOptions> = {}) {
  const lookupKey = jest.fn(async (kid: string) => runners.get(kid) ?? null);
  return { lookupKey, ...createRunnerVerifier({ lookupKey, clock: () => NOW_MS, ...patch }) };
}

async function reason(token: string, patch: Partial<RunnerVerifierOptions> = {}): Promise<RunnerAuthReason> {
  try {
    await verifier(patch).verify(token);
  } catch (error) {
    if (error instanceof RunnerAuthError) return error.reason;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('createRunnerVerifier accepts', () => {
  it('a hand-crafted ES256 token from the runner that owns the key, and says who it is', async () => {
    const v = verifier();
    await expect(v.verify(valid())).resolves.toEqual({ slug: 'us-1', kid: alice.kid, jti: 'j-1', issuedAt: NOW, expiresAt: NOW + 300 });
    expect(v.lookupKey).toHaveBeenCalledWith(alice.kid);
  });

  it('a token made by the runner’s signer', async () => {
    const signer = createRunnerSigner({ slug: 'eu-1', privateKeyPem: bob.privateKeyPem, clock: () => NOW_MS - 5000 });
    await expect(verifier().verify(signer.token())).resolves.toMatchObject({ slug: 'eu-1', kid: bob.kid });
  });

  it('a token issued within the clock skew in the future, or expired within it', async () => {
    await expect(verifier().verify(valid({ iat: NOW + 30, exp: NOW + 330 }))).resolves.toBeDefined();
    await expect(verifier().verify(valid({ iat: NOW - 320, exp: NOW - 20 }))).resolves.toBeDefined();
  });

  it('an audience given as a list that contains vigil-controller', async () => {
    await expect(verifier().verify(valid({ aud: ['other', 'vigil-controller'] }))).resolves.toBeDefined();
  });

  it('a lifetime of exactly the maximum, and a token with a past nbf', async () => {
    await expect(verifier().verify(valid({ iat: NOW - 10, exp: NOW + 290, nbf: NOW - 10 }))).resolves.toBeDefined();
  });

  it('the same token again, since runners reuse a token until shortly before it expires', async () => {
    const v = verifier();
    const token = valid();
    await v.verify(token);
    await expect(v.verify(token)).resolves.toMatchObject({ jti: 'j-1' });
  });
});

describe('createRunnerVerifier rejects, each with its own reason', () => {
  it('alg none: an unsigned token', async () => {
    expect(await reason(craft(header({ alg: 'none' }), claims(), 'none'))).toBe('alg_none');
    expect(await reason(craft(header({ alg: 'NoNe' }), claims(), 'none'))).toBe('alg_none');
    expect(await reason(craft(header({ alg: 'none' }), claims(), { es256: alicePrivate }))).toBe('alg_none');
  });

  it('HS256 signed with the runner’s public key as the HMAC secret', async () => {
    const token = craft(header({ alg: 'HS256' }), claims(), { hmac: alice.publicKeyPem });
    expect(await reason(token)).toBe('alg_hmac');
    // jsonwebtoken itself, with the algorithms pinned, refuses it too (defence in depth).
    expect(() => jwt.verify(token, alice.publicKeyPem, { algorithms: ['ES256'] })).toThrow('invalid algorithm');
  });

  it('other HMAC and non-ES256 algorithms', async () => {
    expect(await reason(craft(header({ alg: 'HS512' }), claims(), { hmac: 'x' }))).toBe('alg_hmac');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(await reason(craft(header({ alg: 'RS256' }), claims(), { es256: rsa }))).toBe('alg_not_allowed');
    expect(await reason(craft(header({ alg: 'ES384' }), claims(), { es256: alicePrivate }))).toBe('alg_not_allowed');
  });

  it('an expired token, beyond the clock skew', async () => {
    expect(await reason(valid({ iat: NOW - 331, exp: NOW - 31 }))).toBe('expired');
    expect(await reason(valid({ iat: NOW - 330, exp: NOW - 30 }))).toBe('expired');
  });

  it('a token from the future, beyond the clock skew', async () => {
    expect(await reason(valid({ iat: NOW + 31, exp: NOW + 331 }))).toBe('not_yet_valid');
  });

  it('a token whose nbf is in the future, beyond the clock skew', async () => {
    expect(await reason(valid({ nbf: NOW + 60 }))).toBe('not_yet_valid');
  });

  it('a stricter clock skew when configured', async () => {
    expect(await reason(valid({ iat: NOW + 5, exp: NOW + 305 }), { clockSkewSeconds: 0 })).toBe('not_yet_valid');
    expect(await reason(valid({ iat: NOW - 300, exp: NOW }), { clockSkewSeconds: 0 })).toBe('expired');
  });

  it('a wrong audience', async () => {
    expect(await reason(valid({ aud: 'vigil-dashboard' }))).toBe('wrong_audience');
    expect(await reason(valid({ aud: ['vigil-dashboard'] }))).toBe('wrong_audience');
    expect(await reason(valid({ aud: undefined }))).toBe('wrong_audience');
  });

  it('an unknown kid', async () => {
    const stranger = generateRunnerKeyPair();
    const token = craft(header({ kid: stranger.kid }), claims(), { es256: createPrivateKey(stranger.privateKeyPem) });
    expect(await reason(token)).toBe('unknown_kid');
  });

  it('a revoked runner, even with a perfectly signed token', async () => {
    const token = craft(header({ kid: revoked.kid }), claims({ sub: 'ap-1' }), { es256: createPrivateKey(revoked.privateKeyPem) });
    expect(await reason(token)).toBe('revoked');
  });

  it('a token signed by another runner’s key under this runner’s kid', async () => {
    expect(await reason(craft(header({ kid: alice.kid }), claims({ sub: 'us-1' }), { es256: bobPrivate }))).toBe('bad_signature');
  });

  it('a runner using its own key to speak as another runner (sub not matching the key’s runner)', async () => {
    expect(await reason(craft(header({ kid: bob.kid }), claims({ sub: 'us-1' }), { es256: bobPrivate }))).toBe('subject_mismatch');
  });

  it('a lifetime longer than allowed', async () => {
    expect(await reason(valid({ exp: NOW + 301 }))).toBe('lifetime_too_long');
    expect(await reason(valid({ exp: NOW + 3600 }))).toBe('lifetime_too_long');
    expect(await reason(valid({ exp: NOW + 120 }), { maxLifetimeSeconds: 60 })).toBe('lifetime_too_long');
  });

  it('a token whose payload was altered after signing', async () => {
    const [h, , s] = valid().split('.');
    expect(await reason(`${h}.${b64(claims({ sub: 'us-1', exp: NOW + 200 }))}.${s}`)).toBe('bad_signature');
  });

  it('an ES256 token with its signature removed or mangled', async () => {
    const [h, p, s] = valid().split('.');
    expect(await reason(`${h}.${p}.`)).toBe('bad_signature');
    expect(await reason(`${h}.${p}.${s.slice(0, 20)}`)).toBe('bad_signature');
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['characters outside base64url', 'a+b.c/d.e'],
    ['a header that is not JSON', `${b64('not json')}.${b64(claims())}.sig`],
    ['a header that is a JSON array', `${b64([1])}.${b64(claims())}.sig`],
    ['a header that is JSON null', `${b64('null')}.${b64(claims())}.sig`],
    ['a payload that is not JSON', `${b64(header())}.${b64('{oops')}.sig`],
    ['a header without alg', `${b64({ typ: 'JWT', kid: alice.kid })}.${b64(claims())}.sig`],
    ['a token far too long', `${'a'.repeat(5000)}.b.c`],
  ])('a malformed token: %s', async (_, token) => {
    expect(await reason(token)).toBe('malformed');
  });

  it('a token that is not a string', async () => {
    expect(await reason(42 as unknown as string)).toBe('malformed');
  });

  it('a token without a kid', async () => {
    expect(await reason(craft(header({ kid: undefined }), claims(), { es256: alicePrivate }))).toBe('missing_kid');
    expect(await reason(craft(header({ kid: '' }), claims(), { es256: alicePrivate }))).toBe('missing_kid');
    expect(await reason(craft(header({ kid: 7 }), claims(), { es256: alicePrivate }))).toBe('missing_kid');
  });

  it.each([
    ['no sub', { sub: undefined }],
    ['no iat', { iat: undefined }],
    ['no exp', { exp: undefined }],
    ['a string exp', { exp: String(NOW + 300) }],
    ['no jti', { jti: undefined }],
    ['an empty jti', { jti: '' }],
    ['exp before iat', { exp: NOW - 1 }],
    ['a non-numeric nbf', { nbf: 'soon' }],
  ])('a token with %s', async (_, patch) => {
    expect(await reason(valid(patch))).toBe('invalid_claims');
  });

  it('a stored key that is not P-256, or whose thumbprint is not its kid', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const broken = async () => ({ slug: 'us-1', publicKeyPem: rsa, revoked: false });
    expect(await reason(valid(), { lookupKey: broken })).toBe('invalid_key');
    const swapped = async () => ({ slug: 'us-1', publicKeyPem: bob.publicKeyPem, revoked: false });
    expect(await reason(valid(), { lookupKey: swapped })).toBe('invalid_key');
  });

  it('gives every attack a different reason', async () => {
    const attacks: Promise<RunnerAuthReason>[] = [
      reason(craft(header({ alg: 'none' }), claims(), 'none')),
      reason(craft(header({ alg: 'HS256' }), claims(), { hmac: alice.publicKeyPem })),
      reason(valid({ iat: NOW - 400, exp: NOW - 100 })),
      reason(valid({ iat: NOW + 100, exp: NOW + 400 })),
      reason(valid({ aud: 'elsewhere' })),
      reason(craft(header({ kid: 'nobody' }), claims(), { es256: alicePrivate })),
      reason(craft(header({ kid: revoked.kid }), claims({ sub: 'ap-1' }), { es256: createPrivateKey(revoked.privateKeyPem) })),
      reason(craft(header(), claims(), { es256: bobPrivate })),
      reason(craft(header({ kid: bob.kid }), claims(), { es256: bobPrivate })),
      reason(valid({ exp: NOW + 301 })),
      reason('garbage'),
      reason(craft(header({ kid: undefined }), claims(), { es256: alicePrivate })),
    ];
    const reasons = await Promise.all(attacks);
    expect(new Set(reasons).size).toBe(attacks.length);
  });
});

describe('createRunnerVerifier', () => {
  it('does not look a key up for tokens it can refuse on their face', async () => {
    for (const token of ['garbage', craft(header({ alg: 'none' }), claims(), 'none'), craft(header({ alg: 'HS256' }), claims(), { hmac: 'k' }), craft(header({ kid: undefined }), claims(), 'none')]) {
      const v = verifier();
      await expect(v.verify(token)).rejects.toBeInstanceOf(RunnerAuthError);
      expect(v.lookupKey).not.toHaveBeenCalled();
    }
  });

  it('quotes and shortens values taken from the token in its messages, so they are safe to log', async () => {
    const kid = `evil\n${'k'.repeat(100)}`;
    const error = await verifier()
      .verify(craft(header({ kid }), claims(), { es256: alicePrivate }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'unknown_kid', message: `no runner has the key "evil\\n${'k'.repeat(59)}…"` });
  });

  it('lets a failing key lookup through as it is: it is not an authentication failure', async () => {
    const down = new Error('database unavailable');
    await expect(verifier({ lookupKey: async () => Promise.reject(down) }).verify(valid())).rejects.toBe(down);
  });

  it('keeps verifying when it has cached more stored keys than its limit', async () => {
    // 1001 distinct PEM strings for the same key (trailing spaces differ): the cache is cleared once on the way.
    const pems = Array.from({ length: 1001 }, (_, i) => `${alice.publicKeyPem}${' '.repeat(i)}`);
    let i = 0;
    const v = verifier({ lookupKey: async () => ({ slug: 'us-1', publicKeyPem: pems[i++ % pems.length], revoked: false }) });
    const results = [];
    for (let n = 0; n < pems.length + 1; n++) results.push(await v.verify(valid()));
    expect(results.every((r) => r.slug === 'us-1')).toBe(true);
  });

  it('checks the signature of a reused token once, but looks its runner up and judges its claims every time', async () => {
    const checks = jest.spyOn(jwt, 'verify');
    try {
      let record: RunnerKeyRecord = { slug: 'us-1', publicKeyPem: alice.publicKeyPem, revoked: false };
      let nowMs = NOW_MS;
      const v = verifier({ lookupKey: async () => record, clock: () => nowMs });
      const token = valid({ exp: NOW + 60 });
      await v.verify(token);
      await v.verify(token);
      expect(checks).toHaveBeenCalledTimes(1);

      nowMs = (NOW + 91) * 1000;
      await expect(v.verify(token)).rejects.toMatchObject({ reason: 'expired' });
      nowMs = NOW_MS;
      record = { ...record, revoked: true };
      await expect(v.verify(token)).rejects.toMatchObject({ reason: 'revoked' });
    } finally {
      checks.mockRestore();
    }
  });

  it('checks again a reused token whose kid now names another stored key', async () => {
    // A key id is a thumbprint, so this is a tampered store, not a rotation: refused either way.
    let record: RunnerKeyRecord = { slug: 'us-1', publicKeyPem: alice.publicKeyPem, revoked: false };
    const v = verifier({ lookupKey: async () => record });
    const token = valid();
    await v.verify(token);
    record = { ...record, publicKeyPem: bob.publicKeyPem };
    await expect(v.verify(token)).rejects.toMatchObject({ reason: 'invalid_key' });
  });

  it('still refuses a tampered copy of a token whose signature it has checked', async () => {
    const v = verifier();
    const token = valid();
    await v.verify(token);
    const [h, , s] = token.split('.');
    await expect(v.verify(`${h}.${b64(claims({ sub: 'us-1', exp: NOW + 200 }))}.${s}`)).rejects.toMatchObject({ reason: 'bad_signature' });
  });

  it('uses the system clock by default', async () => {
    const now = Math.floor(Date.now() / 1000);
    const v = createRunnerVerifier({ lookupKey: async (kid) => runners.get(kid) ?? null });
    await expect(v.verify(valid({ iat: now, exp: now + 60 }))).resolves.toMatchObject({ slug: 'us-1' });
    await expect(v.verify(valid())).rejects.toMatchObject({ reason: 'expired' });
  });

  it.each([
    [{ clockSkewSeconds: -1 }, 'clockSkewSeconds must be from 0 to 300, got -1'],
    [{ clockSkewSeconds: 301 }, 'clockSkewSeconds must be from 0 to 300, got 301'],
    [{ maxLifetimeSeconds: 0 }, 'maxLifetimeSeconds must be from 1 to 300, got 0'],
    [{ maxLifetimeSeconds: 3600 }, 'maxLifetimeSeconds must be from 1 to 300, got 3600'],
    [{ maxLifetimeSeconds: Number.NaN }, 'maxLifetimeSeconds must be from 1 to 300, got NaN'],
  ] as [Partial<RunnerVerifierOptions>, string][])('refuses the options %p', (patch, message) => {
    expect(() => verifier(patch)).toThrow(expect.objectContaining({ reason: 'invalid_config', message }));
  });
});

describe('bearerToken', () => {
  it('takes the token out of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc.def.ghi ')).toBe('abc.def.ghi');
  });

  it.each([undefined, '', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b'])('refuses %p as missing_token', (header) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ reason: 'missing_token' }));
  });
});
