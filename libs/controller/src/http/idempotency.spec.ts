import { allRoutes } from '@vigil/contracts';
import { HttpError } from '@vigil/http';
import {
  decideOnExisting,
  IDEMPOTENCY_TTL_MS,
  type IdempotentRow,
  isIdempotentRoute,
  parseIdempotencyKey,
  requestHash,
  storableResponse,
} from './idempotency';

describe('parseIdempotencyKey', () => {
  it('takes 1 to 255 printable ASCII characters, and nothing without the header', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('5f0c6a52-2a4e-4d7c-9a39-7f0b0f8b3b7e')).toBe('5f0c6a52-2a4e-4d7c-9a39-7f0b0f8b3b7e');
    expect(parseIdempotencyKey('a'.repeat(255))).toHaveLength(255);
  });

  it.each([[''], ['a'.repeat(256)], ['tab\there'], ['nul\u0000'], ['caf\u00e9'], ['line\nbreak']])('refuses %j with 400', (value) => {
    expect(() => parseIdempotencyKey(value)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_idempotency_key' }));
    expect(() => parseIdempotencyKey(value)).toThrow(HttpError);
  });
});

describe('requestHash', () => {
  it('is the same for the same fields in any order, and differs with the method, the path or any value', () => {
    const base = requestHash('post', '/api/v1/checks', { a: 1, b: { c: [1, 2], d: 'x' } });
    expect(requestHash('POST', '/api/v1/checks', { b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(base);
    expect(requestHash('post', '/api/v1/sites', { a: 1, b: { c: [1, 2], d: 'x' } })).not.toBe(base);
    expect(requestHash('post', '/api/v1/checks', { a: 1, b: { c: [2, 1], d: 'x' } })).not.toBe(base);
    expect(requestHash('post', '/api/v1/checks', { a: '1', b: { c: [1, 2], d: 'x' } })).not.toBe(base);
    expect(requestHash('post', '/api/v1/checks', undefined)).toBe(requestHash('post', '/api/v1/checks', null));
  });
});

describe('isIdempotentRoute', () => {
  it('covers every POST of the management API and nothing else', () => {
    const covered = allRoutes.filter(isIdempotentRoute).map((route) => route.operationId);
    expect(covered).toEqual(expect.arrayContaining(['createSite', 'createCheck', 'createApiKey', 'createRunner', 'rotateRunnerKey']));
    expect(covered).not.toContain('reportResults');
    for (const route of allRoutes) {
      expect(isIdempotentRoute(route)).toBe(route.method === 'post' && route.path.startsWith('/api/v1/'));
    }
  });
});

describe('storableResponse', () => {
  it('withholds the answers that show a secret once, keeps the others as they are', () => {
    expect(storableResponse('/api/v1/api-keys', { key: 'vk_secret' })).toEqual({ body: null, withheld: true });
    expect(storableResponse('/api/v1/runners', { private_key: 'PEM' })).toEqual({ body: null, withheld: true });
    expect(storableResponse('/api/v1/runners/:slug/rotate-key', { private_key: 'PEM' })).toEqual({ body: null, withheld: true });
    expect(storableResponse('/api/v1/checks', { id: 'c' })).toEqual({ body: { id: 'c' }, withheld: false });
  });
});

describe('decideOnExisting', () => {
  const now = new Date('2026-12-04T12:00:00.000Z');
  const row = (overrides: Partial<IdempotentRow> = {}): IdempotentRow => ({
    id: 1n,
    requestHash: 'h',
    status: 201,
    responseBody: { id: 'c' },
    responseWithheld: false,
    createdAt: new Date(now.getTime() - 1000),
    ...overrides,
  });

  it('replays a completed request with the same hash', () => {
    expect(decideOnExisting(row(), 'h', '/api/v1/checks', now)).toEqual({ kind: 'replay', status: 201, body: { id: 'c' } });
  });

  it('refuses another request, one in flight, and a withheld answer', () => {
    expect(decideOnExisting(row(), 'other', '/api/v1/checks', now)).toEqual({ kind: 'reused' });
    expect(decideOnExisting(row({ status: null, responseBody: null }), 'h', '/api/v1/checks', now)).toEqual({ kind: 'in-flight' });
    expect(decideOnExisting(row({ status: null }), 'other', '/api/v1/checks', now)).toEqual({ kind: 'reused' });
    expect(decideOnExisting(row({ responseBody: null, responseWithheld: true }), 'h', '/api/v1/api-keys', now)).toEqual({ kind: 'unavailable' });
  });

  it('forgets a row 24 h after its first request, whatever it holds', () => {
    const old = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
    expect(decideOnExisting(row({ createdAt: old }), 'other', '/api/v1/checks', now)).toEqual({ kind: 'expired' });
    expect(decideOnExisting(row({ createdAt: new Date(old.getTime() + 1) }), 'h', '/api/v1/checks', now).kind).toBe('replay');
  });
});
