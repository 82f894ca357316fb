import { locationStaleness, type RunnerLike } from '../public/js/staleness.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const runner = (slug: string, overrides: Partial<RunnerLike> = {}): RunnerLike => ({ slug, stale: false, last_seen_at: ago(5), revoked_at: null, ...overrides });
const base = { intervalS: 60, timeoutMs: 10_000, checkCreatedAt: ago(3600), now: NOW, runners: [runner('eu-1')] };

describe('locationStaleness', () => {
  it('is fresh while results keep coming within two intervals, the timeout and a minute', () => {
    expect(locationStaleness({ ...base, location: 'eu-1', lastResultAt: ago(190) })).toEqual({ stale: false, reason: null });
    expect(locationStaleness({ ...base, location: 'eu-1', lastResultAt: ago(191) })).toEqual({ stale: true, reason: 'no recent result' });
  });

  it('is stale when its runner is stale, revoked or unknown, whatever its last result', () => {
    const fresh = { ...base, lastResultAt: ago(1) };
    expect(locationStaleness({ ...fresh, location: 'eu-1', runners: [runner('eu-1', { stale: true })] })).toEqual({ stale: true, reason: 'its runner is not polling' });
    expect(locationStaleness({ ...fresh, location: 'eu-1', runners: [runner('eu-1', { stale: true, last_seen_at: null })] }).reason).toBe('its runner has never connected');
    expect(locationStaleness({ ...fresh, location: 'eu-1', runners: [runner('eu-1', { revoked_at: ago(10) })] }).reason).toBe('its runner is revoked');
    expect(locationStaleness({ ...fresh, location: 'us-9' }).reason).toBe('no runner has this slug');
  });

  it('judges @controller by its results alone, and gives a new check time for its first one', () => {
    expect(locationStaleness({ ...base, location: '@controller', lastResultAt: ago(30) }).stale).toBe(false);
    expect(locationStaleness({ ...base, location: '@controller', lastResultAt: null, checkCreatedAt: ago(20) }).stale).toBe(false);
    expect(locationStaleness({ ...base, location: '@controller', lastResultAt: null })).toEqual({ stale: true, reason: 'no result yet' });
  });
});
