import type { ProbeResult } from './types';

/** Why a successful run is degraded: one entry of `details.degraded` per rule it crossed. */
export type DegradedReason =
  | { rule: 'latency'; limit_ms: number; latency_ms: number }
  | { rule: 'assertion'; assertion: Record<string, unknown>; message: string }
  | { rule: 'rtt'; limit_ms: number; rtt_avg_ms: number };

/**
 * `result` marked degraded for `reason`, the reason added to `details.degraded`. Only a
 * successful run is degraded: a failed one is returned as it is (the report refuses both).
 */
export function markDegraded(result: ProbeResult, reason: DegradedReason): ProbeResult {
  if (!result.ok) return result;
  const details = result.details ?? {};
  const earlier = Array.isArray(details['degraded']) ? (details['degraded'] as unknown[]) : [];
  return { ...result, degraded: true, details: { ...details, degraded: [...earlier, reason] } };
}

/** The check's latency rule: a successful run whose latency_ms is over `limitMs` is degraded. */
export function applyLatencyRule(result: ProbeResult, limitMs: number | undefined): ProbeResult {
  if (limitMs === undefined || !result.ok || result.latency_ms === undefined || !(result.latency_ms > limitMs)) return result;
  return markDegraded(result, { rule: 'latency', limit_ms: limitMs, latency_ms: result.latency_ms });
}
