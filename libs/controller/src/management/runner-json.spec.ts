import { controllerEnv, loadConfig, runnerStalenessEnv } from '@vigil/config';
import { RUNNER_STALE_AFTER_S, runnerIsStale } from '@vigil/contracts';
import { runnerJson } from './runner-json';

describe('runner staleness', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  const created = new Date(now - 3_600_000);
  const seen = (msAgo: number | null) => ({ lastSeenAt: msAgo === null ? null : new Date(now - msAgo), createdAt: created });

  const defaultMs = RUNNER_STALE_AFTER_S * 1000;

  it('counts a runner never seen from its creation: stale once that is longer ago than the threshold', () => {
    expect(runnerIsStale(seen(null), now, defaultMs)).toBe(true);
    expect(runnerIsStale({ lastSeenAt: null, createdAt: new Date(now - 60_000) }, now, defaultMs)).toBe(false);
  });

  it('calls a runner seen within the threshold (120 s by default) fresh, and one seen longer ago stale', () => {
    expect(RUNNER_STALE_AFTER_S).toBe(120);
    expect(loadConfig(runnerStalenessEnv, {}).VIGIL_RUNNER_STALE_AFTER_S).toBe(RUNNER_STALE_AFTER_S);
    expect('VIGIL_RUNNER_STALE_AFTER_S' in loadConfig(controllerEnv, {})).toBe(false);
    expect(runnerIsStale(seen(120_000), now, defaultMs)).toBe(false);
    expect(runnerIsStale(seen(120_001), now, defaultMs)).toBe(true);
  });

  it('counts from the threshold it is given, and the API shows exactly that', () => {
    expect(runnerIsStale(seen(15_000), now, 15_000)).toBe(false);
    expect(runnerIsStale(seen(15_001), now, 15_000)).toBe(true);
    expect(runnerIsStale(seen(121_000), now, 3_600_000)).toBe(false);
    const row = { id: 1, slug: 'eu-1', name: 'eu-1', publicKey: 'k', keyId: 'kid', revokedAt: null, connectivity: null, connectivityChangedAt: null, load: null, loadConcurrency: null, loadChangedAt: null, ...seen(15_001) };
    expect(runnerJson(row, now, 15_000).stale).toBe(true);
    expect(runnerJson(row, now, 15_001).stale).toBe(false);
  });
});
