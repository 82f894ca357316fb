import { maskChannelConfig, maskSecret, mergePatch, restoreMaskedSecrets, secretPaths, secretsKeptForNewDestination } from './channel-secrets';

const webhook = {
  url: 'https://ops.example/hook',
  secret: 'signing-secret-0042',
  headers: { Authorization: 'Bearer abcdefgh', 'X-Api-Key': 'key-12345678', 'X-Team': 'ops' },
};

describe('channel secrets', () => {
  it('mask a secret as •••• and its last 4 characters, and a short one entirely', () => {
    expect(maskSecret('signing-secret-0042')).toBe('••••0042');
    expect(maskSecret('hunter2')).toBe('••••');
  });

  it('find the secrets of each channel type, including credential-like webhook headers', () => {
    expect(secretPaths('webhook', webhook)).toEqual([['secret'], ['headers', 'Authorization'], ['headers', 'X-Api-Key']]);
    expect(secretPaths('slack', {})).toEqual([['webhook_url']]);
    expect(secretPaths('email', {})).toEqual([['smtp', 'password']]);
    expect(secretPaths('pagerduty', {})).toEqual([['routing_key']]);
  });

  it('mask every secret of a config and leave the rest and the original untouched', () => {
    const before = structuredClone(webhook);
    expect(maskChannelConfig('webhook', webhook)).toEqual({
      url: 'https://ops.example/hook',
      secret: '••••0042',
      headers: { Authorization: '••••efgh', 'X-Api-Key': '••••5678', 'X-Team': 'ops' },
    });
    expect(webhook).toEqual(before);
    expect(maskChannelConfig('email', { to: ['a@example.com'], smtp: { host: 'h', port: 25, secure: false, password: 'pass-word-9999' } })).toEqual({
      to: ['a@example.com'],
      smtp: { host: 'h', port: 25, secure: false, password: '••••9999' },
    });
  });

  it('put the stored secrets back where their masks were sent', () => {
    const sent = maskChannelConfig('webhook', webhook);
    expect(restoreMaskedSecrets('webhook', sent, webhook)).toEqual({ config: webhook, problems: [] });
  });

  it('report a mask that is not the stored secret’s, and any mask when nothing is stored', () => {
    const wrong = restoreMaskedSecrets('webhook', { ...webhook, secret: '••••9999' }, webhook);
    expect(wrong.problems).toEqual([{ field: 'config.secret', message: expect.stringMatching(/masked/) }]);
    const fresh = restoreMaskedSecrets('pagerduty', { routing_key: '••••abcd' }, undefined);
    expect(fresh.problems.map((problem) => problem.field)).toEqual(['config.routing_key']);
  });

  it('merge a patch as RFC 7396 says: nested objects merge, null removes, arrays and values replace', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, f: 4 }, e: [3], g: 'x' })).toEqual({ a: 1, b: { d: 3, f: 4 }, e: [3], g: 'x' });
    expect(mergePatch({ a: 1 }, 'replaced')).toBe('replaced');
  });

  it('keep a __proto__ key a plain key instead of changing the prototype', () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('secretsKeptForNewDestination', () => {
  it('names nothing when the destination stays, whatever else changes', () => {
    expect(secretsKeptForNewDestination('webhook', webhook, { ...webhook, headers: { ...webhook.headers, 'X-Team': 'a' } }, {})).toEqual([]);
  });

  it('names each kept secret when the url changes, but not one sent again in full', () => {
    const moved = { ...webhook, url: 'https://elsewhere.example/' };
    expect(secretsKeptForNewDestination('webhook', webhook, moved, { url: moved.url }).map((p) => p.field)).toEqual([
      'config.secret',
      'config.headers.Authorization',
      'config.headers.X-Api-Key',
    ]);
    const patch = { url: moved.url, secret: webhook.secret, headers: { Authorization: '••••efgh', 'X-Api-Key': webhook.headers['X-Api-Key'] } };
    expect(secretsKeptForNewDestination('webhook', webhook, moved, patch).map((p) => p.field)).toEqual(['config.headers.Authorization']);
  });

  it('treats a slack webhook url as both: changing it means sending it', () => {
    const stored = { webhook_url: 'https://hooks.slack.com/services/a' };
    const patch = { webhook_url: 'https://hooks.slack.com/services/b' };
    expect(secretsKeptForNewDestination('slack', stored, patch, patch)).toEqual([]);
  });
});
