import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { generateRunnerKeyPair } from './keys';
import { createRunnerSigner, type RunnerSignerOptions } from './sign';

const pair = generateRunnerKeyPair();
const T0 = 1_700_000_000_000;

function decode(token: string) {
  const decoded = jwt.decode(token, { complete: true });
  if (decoded === null || typeof decoded.payload === 'string') throw new Error('not a JWT');
  return { header: decoded.header, payload: decoded.payload };
}

describe('createRunnerSigner', () => {
  let now: number;
  const clock = () => now;
  const signer = (patch: Partial<RunnerSignerOptions> = {}) => createRunnerSigner({ slug: 'us-1', privateKeyPem: pair.privateKeyPem, clock, ...patch });

  beforeEach(() => {
    now = T0;
  });

  it('signs an ES256 token whose kid is the key’s thumbprint', () => {
    const s = signer();
    expect(s.kid).toBe(pair.kid);
    expect(decode(s.token()).header).toEqual({ alg: 'ES256', typ: 'JWT', kid: pair.kid });
  });

  it('puts the slug in sub, vigil-controller in aud, a jti, and a lifetime of 5 minutes', () => {
    const { payload } = decode(signer().token());
    expect(payload).toEqual({ sub: 'us-1', aud: 'vigil-controller', iat: T0 / 1000, exp: T0 / 1000 + 300, jti: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('signs a shorter lifetime when asked', () => {
    const { payload } = decode(signer({ lifetimeSeconds: 60, renewBeforeSeconds: 10 }).token());
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
  });

  it('reuses its token until shortly before it expires, then signs a new one', () => {
    const s = signer({ renewBeforeSeconds: 30 });
    const first = s.token();
    now = T0 + 269_999;
    expect(s.token()).toBe(first);
    now = T0 + 270_000;
    const second = s.token();
    expect(second).not.toBe(first);
    expect(decode(second).payload.jti).not.toBe(decode(first).payload.jti);
    expect(decode(second).payload.iat).toBe((T0 + 270_000) / 1000);
    expect(s.token()).toBe(second);
  });

  it('signs a fresh token on sign(), and token() then reuses that one', () => {
    const s = signer();
    const a = s.sign();
    const b = s.sign();
    expect(a).not.toBe(b);
    expect(s.token()).toBe(b);
  });

  it('rounds iat down to whole seconds', () => {
    now = T0 + 999;
    expect(decode(signer().token()).payload.iat).toBe(T0 / 1000);
  });

  it.each([
    [{ slug: '' }, 'a runner needs a slug'],
    [{ slug: '  ' }, 'a runner needs a slug'],
    [{ lifetimeSeconds: 301 }, 'lifetimeSeconds must be a whole number from 1 to 300, got 301'],
    [{ lifetimeSeconds: 0 }, 'lifetimeSeconds must be a whole number from 1 to 300, got 0'],
    [{ lifetimeSeconds: 12.5 }, 'lifetimeSeconds must be a whole number from 1 to 300, got 12.5'],
    [{ lifetimeSeconds: 60, renewBeforeSeconds: 60 }, 'renewBeforeSeconds must be from 0 to below the lifetime (60), got 60'],
    [{ renewBeforeSeconds: -1 }, 'renewBeforeSeconds must be from 0 to below the lifetime (300), got -1'],
  ] as [Partial<RunnerSignerOptions>, string][])('refuses %p: %s', (patch, message) => {
    expect(() => signer(patch)).toThrow(expect.objectContaining({ name: 'RunnerAuthError', reason: 'invalid_config', message }));
  });

  it('refuses a key that is not a P-256 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signer({ privateKeyPem: rsa })).toThrow(expect.objectContaining({ reason: 'invalid_key' }));
    expect(() => signer({ privateKeyPem: pair.publicKeyPem })).toThrow(expect.objectContaining({ reason: 'invalid_key' }));
    expect(() => signer({ privateKeyPem: 'not a key' })).toThrow(expect.objectContaining({ reason: 'invalid_key' }));
  });

  it('uses the system clock by default', () => {
    const before = Math.floor(Date.now() / 1000);
    const { payload } = decode(createRunnerSigner({ slug: 'us-1', privateKeyPem: pair.privateKeyPem }).token());
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });
});
