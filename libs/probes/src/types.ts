import type { CheckSpecOf, CheckType, ReportedResult } from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';

/** One run to execute: the check's type, target and normalized spec, as the runner API hands them out. */
export type ProbeRun = {
  [T in CheckType]: {
    type: T;
    target: string;
    spec: CheckSpecOf<T>;
    timeoutMs: number;
    /** A successful run whose latency_ms is over this is reported degraded (the check's degraded_latency_ms). */
    degradedLatencyMs?: number;
  };
}[CheckType];

export interface ProbeContext {
  /** Sent as User-Agent unless the check sets its own: `Vigil/<version> (+runner <slug>)`. */
  userAgent: string;
  /** Aborts the probe early (shutdown); the probe answers with error_code `ABORTED`. */
  signal?: AbortSignal;
  /**
   * The egress policy of the component running the probe: every address connected to (each
   * redirect hop, each resolved address) is checked; a refusal is a result with error_code
   * `EGRESS_DENIED`. Required, so that no caller forgets it.
   */
  egress: EgressGuard;
}

/**
 * What a probe found, in the runner API's own shape (without run_id, check_id, checked_at,
 * which the runner adds). A probe never throws: every failure is `ok: false` with a short
 * `error_code` (ETIMEDOUT, ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, ASSERTION_FAILED…)
 * and a readable `error`.
 */
export type ProbeResult = Omit<ReportedResult, 'run_id' | 'check_id' | 'checked_at'>;

export type Probe<T extends CheckType> = (run: Extract<ProbeRun, { type: T }>, context: ProbeContext) => Promise<ProbeResult>;
