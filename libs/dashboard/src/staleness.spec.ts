import { locationStaleness, type LocationLike, type RunnerLike, shownCheckStatus } from '../public/js/staleness.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const runner = (slug: string, overrides: Partial<RunnerLike> = {}): RunnerLike => ({ slug, stale: false, last_seen_at: ago(5), revoked_at: null, ...overrides });
const lastResult = { ok: true, degraded: false, inconclusive: false, status_code: 200, latency_ms: 40, error_code: null, error: null, checked_at: ago(10) };
const fresh: LocationLike = { fresh: true, inconclusive: false, last_result: lastResult };
const quiet: LocationLike = { fresh: false, inconclusive: false, last_result: lastResult };
const runners = [runner('eu-1')];

describe('locationStaleness', () => {
  it('follows the API’s fresh flag: the evaluator’s rule, not a clock of its own', () => {
    expect(locationStaleness({ location: 'eu-1', state: fresh, runners })).toEqual({ stale: false, reason: null });
    expect(locationStaleness({ location: 'eu-1', state: quiet, runners })).toEqual({ stale: true, reason: 'no recent result' });
    expect(locationStaleness({ location: 'eu-1', state: { ...quiet, last_result: null }, runners }).reason).toBe('no result yet');
    expect(locationStaleness({ location: 'eu-1', state: undefined, runners }).reason).toBe('no result yet');
  });

  it('says a location whose last result was inconclusive is stale, for that reason', () => {
    const inconclusive = { ...quiet, inconclusive: true, last_result: { ...lastResult, ok: false, inconclusive: true } };
    expect(locationStaleness({ location: 'eu-1', state: inconclusive, runners })).toEqual({ stale: true, reason: 'its last result was inconclusive' });
  });

  it('is stale when its runner is stale, revoked or unknown, whatever its last result', () => {
    expect(locationStaleness({ location: 'eu-1', state: fresh, runners: [runner('eu-1', { stale: true })] })).toEqual({ stale: true, reason: 'its runner is not polling' });
    expect(locationStaleness({ location: 'eu-1', state: fresh, runners: [runner('eu-1', { stale: true, last_seen_at: null })] }).reason).toBe('its runner has never connected');
    expect(locationStaleness({ location: 'eu-1', state: fresh, runners: [runner('eu-1', { revoked_at: ago(10) })] }).reason).toBe('its runner is revoked');
    expect(locationStaleness({ location: 'us-9', state: fresh, runners }).reason).toBe('no runner has this slug');
  });

  it('judges @controller by its results alone', () => {
    expect(locationStaleness({ location: '@controller', state: fresh, runners: [] }).stale).toBe(false);
    expect(locationStaleness({ location: '@controller', state: quiet, runners: [] }).stale).toBe(true);
  });
});

describe('shownCheckStatus', () => {
  it('never shows up while no location is fresh, and leaves every other status as it is', () => {
    expect(shownCheckStatus('up', [quiet, quiet])).toBe('unknown');
    expect(shownCheckStatus('up', [])).toBe('unknown');
    expect(shownCheckStatus('up', [quiet, fresh])).toBe('up');
    expect(shownCheckStatus('down', [quiet])).toBe('down');
    expect(shownCheckStatus('paused', [quiet])).toBe('paused');
  });
});
