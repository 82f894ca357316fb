import { CreateApiKeyBody } from './api-keys';

describe('the API key contracts', () => {
  it('accept a name, some scopes and a future expiry', () => {
    const expires = new Date(Date.now() + 60_000).toISOString();
    expect(CreateApiKeyBody.parse({ name: ' ci ', scopes: ['read', 'write'], expires_at: expires })).toEqual({
      name: 'ci',
      scopes: ['read', 'write'],
      expires_at: expires,
    });
  });

  it('refuse no scope, an unknown or repeated scope, and an expiry in the past', () => {
    expect(CreateApiKeyBody.safeParse({ name: 'x', scopes: [] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ name: 'x', scopes: ['superuser'] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ name: 'x', scopes: ['admin', 'admin'] }).success).toBe(false);
    expect(CreateApiKeyBody.safeParse({ name: 'x', scopes: ['read'], expires_at: '2000-01-01T00:00:00Z' }).success).toBe(false);
  });
});
