import { CHECK_SPEC_SCHEMAS, type RunSpec } from '@vigil/contracts';
import type { ProbeRun } from '@vigil/probes';

/** The run as a probe takes it, or why its spec is not one this runner can run (a newer controller, say). */
export function toProbeRun(run: RunSpec): { ok: true; run: ProbeRun } | { ok: false; problem: string } {
  const parsed = CHECK_SPEC_SCHEMAS[run.type].safeParse(run.spec);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ');
    return { ok: false, problem };
  }
  return { ok: true, run: { type: run.type, target: run.target, spec: parsed.data, timeoutMs: run.timeout_ms } as ProbeRun };
}
