import { randomUUID } from 'node:crypto';
import type { ReportedResult, ReportItemOutcome, RunSpec } from '@vigil/contracts';
import { type ControllerLink, LinkError, type LinkFailure } from '../link/controller-link';

/**
 * A controller in memory, for the agent's tests: it leases the runs it is given (each once,
 * unless `lease` is called again with it), stores reported results idempotently, and can be
 * made to fail like a real one.
 */
export class FakeController implements ControllerLink {
  private readonly due: RunSpec[] = [];
  /** Every report call, as sent. */
  readonly reports: ReportedResult[][] = [];
  /** Results stored, each (check_id, run_id) once. */
  readonly stored = new Map<string, ReportedResult>();
  readonly polls: Array<{ limit: number; lookaheadMs: number; at: number; answered: number }> = [];
  /** While set, every call fails this way. */
  failing: { failure: LinkFailure; message: string; retryAfterMs?: number } | undefined;
  /** Refuses (as a 422 would) any report that holds a result for one of these run ids. */
  readonly refuseRuns = new Set<string>();

  /** Makes `count` new runs due (or the given ones); returns them. */
  lease(count: number, overrides: Partial<RunSpec> = {}): RunSpec[] {
    const runs = Array.from({ length: count }, () => httpRun(overrides));
    this.due.push(...runs);
    return runs;
  }

  /** Hands out a run again, as the controller does once a lease runs out. */
  leaseAgain(run: RunSpec): void {
    this.due.push(run);
  }

  get pending(): number {
    return this.due.length;
  }

  async poll(limit: number, lookaheadMs = 0): Promise<RunSpec[]> {
    this.failIfFailing();
    const runs = this.due.splice(0, limit);
    this.polls.push({ limit, lookaheadMs, at: Date.now(), answered: runs.length });
    return runs;
  }

  async report(results: readonly ReportedResult[]): Promise<ReportItemOutcome[]> {
    this.failIfFailing();
    if (results.some((result) => this.refuseRuns.has(result.run_id))) {
      throw new LinkError('refused', '422 from fake: results.0.error must not contain NUL characters');
    }
    this.reports.push([...results]);
    return results.map((result) => {
      const key = `${result.check_id}/${result.run_id}`;
      const duplicate = this.stored.has(key);
      if (!duplicate) this.stored.set(key, result);
      return { run_id: result.run_id, check_id: result.check_id, outcome: duplicate ? 'duplicate' : 'accepted' };
    });
  }

  private failIfFailing(): void {
    if (this.failing) throw new LinkError(this.failing.failure, this.failing.message, this.failing.retryAfterMs);
  }
}

export function httpRun(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    run_id: randomUUID(),
    check_id: randomUUID(),
    type: 'http',
    target: 'http://127.0.0.1:9/',
    spec: { method: 'GET' },
    timeout_ms: 5000,
    due_at: new Date().toISOString(),
    ...overrides,
  };
}
