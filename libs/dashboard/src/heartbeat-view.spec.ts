import { pingRow, specFacts } from '../public/js/check-spec.js';
import { locationStaleness } from '../public/js/staleness.js';
import type { Check } from './api-types';

describe("a heartbeat check's page", () => {
  it('says when the job is expected and when it is down', () => {
    const check = { type: 'heartbeat', spec: { period_s: 3600, grace_s: 300 } } as unknown as Check;
    expect(specFacts(check)).toEqual([
      ['Expects a ping', 'every 3600 s, 300 s of grace'],
      ['Down when', 'no ping for 3900 s, a fail ping, or a started job not done within 300 s'],
    ]);
  });

  it('shows each ping with its exit code, run time and the end of its body', () => {
    const received_at = '2026-12-05T03:00:00.000Z';
    expect(pingRow({ kind: 'fail', exit_code: 3, duration_ms: 2500, received_at, body: `${'x'.repeat(100)}END` })).toEqual([
      'fail (exit 3)',
      received_at,
      '2.5 s',
      `${'x'.repeat(77)}END`,
    ]);
    expect(pingRow({ kind: 'success', exit_code: null, duration_ms: null, received_at, body: null })).toEqual(['success', received_at, '—', '']);
  });

  it('never blames a runner for the @heartbeat location: it waits for the first ping', () => {
    expect(locationStaleness({ location: '@heartbeat', state: undefined, runners: [] })).toEqual({ stale: true, reason: 'waiting for the first ping' });
    const fresh = { fresh: true, inconclusive: false, last_result: null };
    expect(locationStaleness({ location: '@heartbeat', state: fresh, runners: [] })).toEqual({ stale: false, reason: null });
  });
});
