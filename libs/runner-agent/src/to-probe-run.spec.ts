import { randomUUID } from 'node:crypto';
import type { RunSpec } from '@vigil/contracts';
import { MAX_REMEMBERED_SPECS, toProbeRun } from './to-probe-run';

const run = (spec: Record<string, unknown>, target = 'https://example.com/'): RunSpec => ({
  run_id: randomUUID(),
  check_id: randomUUID(),
  type: 'http',
  target,
  spec,
  timeout_ms: 5000,
  due_at: new Date().toISOString(),
});

const SPEC = { method: 'GET', headers: { 'x-a': '1' }, expected_statuses: ['2xx'], follow_redirects: true, max_redirects: 5, verify_tls: true };

describe('toProbeRun', () => {
  it('gives each run its own target and timeout with the spec as parsed, shared by runs of the same spec and frozen', () => {
    const first = toProbeRun(run(SPEC, 'https://a.example/'));
    const second = toProbeRun({ ...run(structuredClone(SPEC), 'https://b.example/'), timeout_ms: 700 });
    if (!first.ok || !second.ok) throw new Error('both specs are valid');
    expect(first.run).toMatchObject({ type: 'http', target: 'https://a.example/', timeoutMs: 5000, spec: { headers: { 'x-a': '1' } } });
    expect(second.run).toMatchObject({ target: 'https://b.example/', timeoutMs: 700 });
    expect(second.run.spec).toBe(first.run.spec);
    expect(Object.isFrozen(first.run.spec)).toBe(true);
    expect(Object.isFrozen((first.run.spec as { headers: object }).headers)).toBe(true);
  });

  it("carries the check's latency rule when the run has one, and none otherwise", () => {
    const withRule = toProbeRun({ ...run(SPEC), degraded_latency_ms: 800 });
    const without = toProbeRun(run(SPEC));
    if (!withRule.ok || !without.ok) throw new Error('both specs are valid');
    expect(withRule.run.degradedLatencyMs).toBe(800);
    expect(without.run).not.toHaveProperty('degradedLatencyMs');
  });

  it('parses a changed spec anew', () => {
    const before = toProbeRun(run(SPEC));
    const after = toProbeRun(run({ ...SPEC, headers: { 'x-a': '2' } }));
    if (!before.ok || !after.ok) throw new Error('both specs are valid');
    expect(after.run.spec).toMatchObject({ headers: { 'x-a': '2' } });
    expect(before.run.spec).toMatchObject({ headers: { 'x-a': '1' } });
  });

  it('says why a spec cannot be run, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      const parsed = toProbeRun(run({ ...SPEC, method: 'BREW' }));
      expect(parsed).toMatchObject({ ok: false, problem: expect.stringContaining('method') });
    }
  });

  it('stays right past the specs it remembers', () => {
    const wrong: number[] = [];
    for (let i = 0; i < MAX_REMEMBERED_SPECS + 50; i++) {
      const parsed = toProbeRun(run({ ...SPEC, headers: { 'x-a': String(i) } }));
      if (!parsed.ok || (parsed.run.spec as { headers: Record<string, string> }).headers['x-a'] !== String(i)) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(toProbeRun(run(SPEC))).toMatchObject({ ok: true, run: { spec: { headers: { 'x-a': '1' } } } });
  });
});
