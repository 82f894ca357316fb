import { isSecretKey, redact, redactText, REDACTED } from './redact';

describe('isSecretKey', () => {
  it.each([
    'authorization',
    'Authorization',
    'proxy-authorization',
    'password',
    'db_password',
    'secret',
    'clientSecret',
    'token',
    'access_token',
    'refreshToken',
    'private_key',
    'privateKey',
    'api_key',
    'X-Api-Key',
    'key',
    'KEY',
    'cookie',
    'set-cookie',
    'VIGIL_ADMIN_KEY',
    'VIGIL_RUNNER_KEY',
    'credentials',
  ])('treats %s as a secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['keyId', 'kid', 'public_key', 'monkey', 'passing_strikes', 'site_id', 'message', 'status'])(
    'leaves %s alone',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
});

describe('redactText', () => {
  it('strips the password from a postgres URL and keeps the rest', () => {
    expect(redactText('connecting to postgres://vigil:hunter2@db:5432/vigil?sslmode=require')).toBe(
      `connecting to postgres://vigil:${REDACTED}@db:5432/vigil?sslmode=require`,
    );
  });

  it('strips the password from postgresql:// and other schemes with credentials', () => {
    expect(redactText('postgresql://u:p@h/d and https://bob:pw@example.com/x')).toBe(
      `postgresql://u:${REDACTED}@h/d and https://bob:${REDACTED}@example.com/x`,
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactText('postgres://vigil@db/vigil and https://example.com:8443/path')).toBe(
      'postgres://vigil@db/vigil and https://example.com:8443/path',
    );
  });

  it('hides a PEM private key block', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\nabc\n-----END PRIVATE KEY-----';
    expect(redactText(`key is ${pem} ok`)).toBe(`key is ${REDACTED} ok`);
  });

  it('hides bearer tokens and JWTs', () => {
    expect(redactText('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1cy0xIn0.c2ln rejected')).toBe(`token ${REDACTED} rejected`);
  });
});

describe('redact', () => {
  it('redacts secret keys at any depth, inside arrays too', () => {
    const input = {
      request: { headers: { authorization: 'Bearer x', 'x-request-id': 'r1' } },
      runners: [{ slug: 'us-1', private_key: 'pem' }],
      deep: { a: { b: { c: { d: { password: 'p', ok: true } } } } },
    };
    expect(redact(input)).toEqual({
      request: { headers: { authorization: REDACTED, 'x-request-id': 'r1' } },
      runners: [{ slug: 'us-1', private_key: REDACTED }],
      deep: { a: { b: { c: { d: { password: REDACTED, ok: true } } } } },
    });
  });

  it('redacts a secret key whatever its value is, objects included', () => {
    expect(redact({ secret: { nested: 'x' }, token: 42, cookie: null })).toEqual({
      secret: REDACTED,
      token: REDACTED,
      cookie: REDACTED,
    });
  });

  it('strips URL passwords from string values at any depth', () => {
    expect(redact({ db: { urls: ['postgres://u:pw@h/d'] } })).toEqual({ db: { urls: [`postgres://u:${REDACTED}@h/d`] } });
  });

  it('does not mutate the object it was given', () => {
    const input = { nested: { password: 'p' } };
    redact(input);
    expect(input.nested.password).toBe('p');
  });

  it('turns an error into its name, message, stack, own fields and cause', () => {
    const cause = new Error('socket closed');
    const error = Object.assign(new Error('cannot reach postgres://u:pw@h/d', { cause }), { code: 'ECONNREFUSED', token: 't' });
    const result = redact(error) as Record<string, unknown>;
    expect(result).toMatchObject({
      name: 'Error',
      message: `cannot reach postgres://u:${REDACTED}@h/d`,
      code: 'ECONNREFUSED',
      token: REDACTED,
      cause: { name: 'Error', message: 'socket closed' },
    });
    expect(result.stack).toContain(`postgres://u:${REDACTED}@h/d`);
    expect(result.stack).not.toContain('pw@');
  });

  it('cuts cycles instead of recursing forever', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[Circular]' });
  });

  it('keeps an object that appears twice but is not a cycle', () => {
    const shared = { id: 1 };
    expect(redact({ left: shared, right: shared })).toEqual({ left: { id: 1 }, right: { id: 1 } });
  });

  it('renders values JSON cannot: bigint, dates, buffers, maps and sets', () => {
    expect(
      redact({
        big: 10n,
        at: new Date('2024-01-02T03:04:05.000Z'),
        bytes: Buffer.from('abc'),
        map: new Map<string, unknown>([['api_key', 'k'], ['n', 1]]),
        set: new Set(['x']),
      }),
    ).toEqual({
      big: '10',
      at: '2024-01-02T03:04:05.000Z',
      bytes: '[Buffer 3 bytes]',
      map: { api_key: REDACTED, n: 1 },
      set: ['x'],
    });
  });

  it('uses toJSON where an object provides it', () => {
    expect(redact({ url: new URL('postgres://u:pw@h/d') })).toEqual({ url: `postgres://u:${REDACTED}@h/d` });
  });

  it('stops at a fixed depth', () => {
    let value: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) value = { child: value };
    expect(JSON.stringify(redact(value))).toContain('[Truncated]');
  });
});
