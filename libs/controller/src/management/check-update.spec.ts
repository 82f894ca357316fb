import { type CurrentCheck, planCheckUpdate } from './check-update';

const current: CurrentCheck = {
  type: 'http',
  target: 'https://example.com/',
  intervalS: 60,
  downIntervalS: null,
  timeoutMs: 10_000,
  degradedLatencyMs: null,
  locations: ['eu-1', 'us-1'],
  failingLocationsThreshold: '66%',
  enabled: false,
};

function planOf(outcome: ReturnType<typeof planCheckUpdate>) {
  if ('problems' in outcome) throw new Error(`unexpected problems: ${JSON.stringify(outcome.problems)}`);
  return outcome.plan;
}

function problemsOf(outcome: ReturnType<typeof planCheckUpdate>) {
  return 'problems' in outcome ? outcome.problems : [];
}

describe('planning a change of a check', () => {
  it('changes nothing for an empty patch', () => {
    expect(planOf(planCheckUpdate(current, {}))).toEqual({
      data: expect.not.objectContaining({ spec: expect.anything() }),
      locationsChanged: false,
      reenabled: false,
    });
  });

  it('moves to a new endpoint only when the normalized target differs', () => {
    expect(planOf(planCheckUpdate(current, { target: 'HTTPS://example.com' })).newTarget).toBeUndefined();
    expect(planOf(planCheckUpdate(current, { target: 'https://other.example' })).newTarget).toBe('https://other.example/');
  });

  it('validates the target and the spec against the check’s type, naming fields under them', () => {
    const outcome = planCheckUpdate({ ...current, type: 'dns' }, { target: 'https://example.com/', spec: { record_type: 'SRV', methd: 1 } });
    expect(problemsOf(outcome)).toEqual([
      { field: 'target', message: 'must be a DNS name such as example.com' },
      { field: 'spec.record_type', message: expect.any(String) },
      { field: 'spec.methd', message: 'is not a known field' },
    ]);
  });

  it('stores the spec with its defaults filled in', () => {
    const plan = planOf(planCheckUpdate({ ...current, type: 'tls_cert' }, { spec: { warning_days: 14 } }));
    expect(plan.data.spec).toEqual({ warning_days: 14, degraded_days: 7, verify_chain: true });
  });

  it('checks the rules across fields against the settings as they would become', () => {
    expect(problemsOf(planCheckUpdate(current, { interval_s: 10 }))).toEqual([
      { field: 'timeout_ms', message: 'must be less than interval_s × 1000 (10000)' },
    ]);
    expect(problemsOf(planCheckUpdate(current, { failing_locations_threshold: 3 }))).toEqual([
      { field: 'failing_locations_threshold', message: 'must be at most the number of locations (2)' },
    ]);
    expect(problemsOf(planCheckUpdate({ ...current, failingLocationsThreshold: '2' }, { locations: ['eu-1'] }))).toEqual([
      { field: 'failing_locations_threshold', message: 'must be at most the number of locations (1)' },
    ]);
    expect(problemsOf(planCheckUpdate({ ...current, downIntervalS: 30 }, { interval_s: 20, timeout_ms: 5000 }))).toEqual([
      { field: 'down_interval_s', message: 'must be at most interval_s (20)' },
    ]);
    expect(problemsOf(planCheckUpdate({ ...current, downIntervalS: 30 }, { interval_s: 20, timeout_ms: 5000, down_interval_s: null }))).toEqual([]);
  });

  it('keeps the degraded latency under the timeout, as stored or as changed, and removes it with null', () => {
    expect(problemsOf(planCheckUpdate(current, { degraded_latency_ms: 10_000 }))).toEqual([
      { field: 'degraded_latency_ms', message: 'must be less than timeout_ms (10000)' },
    ]);
    expect(problemsOf(planCheckUpdate({ ...current, degradedLatencyMs: 2000 }, { timeout_ms: 1500 }))).toEqual([
      { field: 'degraded_latency_ms', message: 'must be less than timeout_ms (1500)' },
    ]);
    expect(planOf(planCheckUpdate(current, { degraded_latency_ms: 800 })).data.degradedLatencyMs).toBe(800);
    expect(planOf(planCheckUpdate({ ...current, degradedLatencyMs: 2000 }, { timeout_ms: 1500, degraded_latency_ms: null })).data.degradedLatencyMs).toBeNull();
  });

  it('stores a count quorum as text and says when the check is enabled again', () => {
    const plan = planOf(planCheckUpdate(current, { failing_locations_threshold: 2, enabled: true, locations: ['eu-1', 'us-1'] }));
    expect(plan.data.failingLocationsThreshold).toBe('2');
    expect(plan.locationsChanged).toBe(true);
    expect(plan.reenabled).toBe(true);
    expect(planOf(planCheckUpdate({ ...current, enabled: true }, { enabled: true })).reenabled).toBe(false);
  });
});
