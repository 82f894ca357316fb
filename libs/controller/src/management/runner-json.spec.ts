import { controllerEnv, loadConfig } from '@vigil/config';
import { RUNNER_STALE_AFTER_S } from '@vigil/contracts';
import { isRunnerStale } from './runner-json';

describe('runner staleness', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');

  const defaultMs = RUNNER_STALE_AFTER_S * 1000;

  it('calls a runner that was never seen stale', () => {
    expect(isRunnerStale(null, now, defaultMs)).toBe(true);
  });

  it('calls a runner seen within the threshold (120 s by default) fresh, and one seen longer ago stale', () => {
    expect(RUNNER_STALE_AFTER_S).toBe(120);
    expect(loadConfig(controllerEnv, {}).VIGIL_RUNNER_STALE_AFTER_S).toBe(RUNNER_STALE_AFTER_S);
    expect(isRunnerStale(new Date(now - 120_000), now, defaultMs)).toBe(false);
    expect(isRunnerStale(new Date(now - 120_001), now, defaultMs)).toBe(true);
  });

  it('counts from the threshold it is given', () => {
    expect(isRunnerStale(new Date(now - 15_000), now, 15_000)).toBe(false);
    expect(isRunnerStale(new Date(now - 15_001), now, 15_000)).toBe(true);
    expect(isRunnerStale(new Date(now - 121_000), now, 3_600_000)).toBe(false);
  });
});
