import { CHECK_SPEC_SCHEMAS, type RunSpec } from '@vigil/contracts';
import type { ProbeRun } from '@vigil/probes';

type Parsed = { ok: true; spec: ProbeRun['spec'] } | { ok: false; problem: string };

/** How many distinct specs the runner remembers the parse of (all forgotten at once beyond). */
export const MAX_REMEMBERED_SPECS = 5_000;

// A check's spec is the same at every run, and validating it again cost more than the rest of
// a run's bookkeeping; its JSON is a quarter of that. Parsed specs are frozen: runs share them.
const remembered = new Map<string, Parsed>();

function parseSpec(run: RunSpec): Parsed {
  const key = `${run.type} ${JSON.stringify(run.spec)}`;
  const known = remembered.get(key);
  if (known !== undefined) return known;
  const parsed = CHECK_SPEC_SCHEMAS[run.type].safeParse(run.spec);
  const answer: Parsed = parsed.success
    ? { ok: true, spec: deepFreeze(parsed.data) }
    : { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`).join('; ') };
  if (remembered.size >= MAX_REMEMBERED_SPECS) remembered.clear();
  remembered.set(key, answer);
  return answer;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The run as a probe takes it, or why its spec is not one this runner can run (a newer controller, say). */
export function toProbeRun(run: RunSpec): { ok: true; run: ProbeRun } | { ok: false; problem: string } {
  const parsed = parseSpec(run);
  if (!parsed.ok) return parsed;
  const degraded = run.degraded_latency_ms === undefined ? {} : { degradedLatencyMs: run.degraded_latency_ms };
  return { ok: true, run: { type: run.type, target: run.target, spec: parsed.spec, timeoutMs: run.timeout_ms, ...degraded } as ProbeRun };
}
