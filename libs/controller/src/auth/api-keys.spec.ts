import { API_KEY_PREFIX, apiKeyPrefix, generateApiKey, hashApiKey, scopeAllows } from './api-keys';

describe('API keys', () => {
  it('are vk_ and 40 base62 characters, each one different', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey().key);
    for (const key of keys) expect(key).toMatch(/^vk_[0-9A-Za-z]{40}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('are stored as a SHA-256 hash and shown by a short prefix', () => {
    const generated = generateApiKey();
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.prefix).toBe(apiKeyPrefix(generated.key));
    expect(generated.prefix.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(generated.key.length - generated.prefix.length).toBeGreaterThanOrEqual(34);
  });

  it('use every base62 character about evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 500; i++) for (const c of generateApiKey().key.slice(3)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const mean = (500 * 40) / 62;
    for (const count of counts.values()) expect(Math.abs(count - mean)).toBeLessThan(mean * 0.4);
  });

  it.each([
    [['read'], 'read', true],
    [['read'], 'write', false],
    [['write'], 'read', true],
    [['write'], 'admin', false],
    [['admin'], 'write', true],
    [['read', 'admin'], 'admin', true],
    [[], 'read', false],
  ] as const)('scopes %j allow %s: %s', (scopes, needed, allowed) => {
    expect(scopeAllows(scopes, needed)).toBe(allowed);
  });
});
