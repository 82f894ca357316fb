// Child process of the runner benchmark (`node tools/scripts/run-ts.mjs tools/bench/src/runner-servers.ts`):
// the HTTP target every check requests and a stub controller that leases runs of it, in a
// process of their own so that the process under test holds only the runner. Prints one line
// `READY {"target":…,"controller":…}` once both listen; stops on SIGTERM or SIGINT.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MAX_POLL_LIMIT, pollRuns, type ReportedResult, type ReportItemOutcome, reportResults, type RunSpec } from '@vigil/contracts';
import { type ServerStats, STATS_PATH } from './runner-protocol';
import { acceptReport, json, notFound, runStubServers } from './stub-servers';

const CHECKS = 100;
// As a check created with the API's defaults stores it.
const SPEC = { method: 'GET', headers: {}, expected_statuses: ['2xx', '3xx'], follow_redirects: true, max_redirects: 5, verify_tls: true };

const stats = { polls: 0, leased: 0, reports: 0, reported: 0, ok: 0, failed: 0, targetRequests: 0, unauthorized: 0 };
const errorCodes = new Map<string, number>();
const checkIds = Array.from({ length: CHECKS }, () => randomUUID());
let nextCheck = 0;
// At most this many runs leased per second (process argument; 0: as many as asked), so that a
// runner can be measured in a steady state rather than saturated. Unused leases do not pile up
// beyond a second's worth.
const RATE = Number(process.argv[2] ?? 0);
let leasable = 0;
let leasableAt = performance.now();

function leasableNow(limit: number): number {
  if (!(RATE > 0)) return limit;
  const now = performance.now();
  leasable = Math.min(RATE, leasable + ((now - leasableAt) / 1000) * RATE);
  leasableAt = now;
  const n = Math.min(limit, Math.floor(leasable));
  leasable -= n;
  return n;
}

function snapshot(): ServerStats {
  const cpu = process.cpuUsage();
  return { ...stats, errorCodes: Object.fromEntries(errorCodes), at: performance.timeOrigin + performance.now(), cpuMicros: cpu.user + cpu.system };
}

function leaseRuns(limit: number, target: string): RunSpec[] {
  const dueAt = new Date().toISOString();
  const runs: RunSpec[] = [];
  for (let i = 0; i < limit; i++) {
    const checkId = checkIds[nextCheck++ % CHECKS];
    runs.push({ run_id: randomUUID(), check_id: checkId, type: 'http', target, spec: SPEC, timeout_ms: 5000, due_at: dueAt });
  }
  return runs;
}

function countResults(results: readonly ReportedResult[]): ReportItemOutcome[] {
  stats.reports++;
  stats.reported += results.length;
  return results.map((result) => {
    if (result.ok) stats.ok++;
    else {
      stats.failed++;
      const code = result.error_code ?? 'no error_code';
      errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
    }
    return { run_id: result.run_id, check_id: result.check_id, outcome: 'accepted' };
  });
}

/**
 * The runner API's two routes, answering as the real controller does when every run is due
 * and every result is accepted. The runner's token is required but not verified: the bench
 * measures the runner, and the controller's verification cost is the ingest bench's concern.
 */
function stubController(target: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (req.method === 'GET' && url.pathname === STATS_PATH) return json(res, 200, snapshot());
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      stats.unauthorized++;
      return json(res, 401, { error: { code: 'unauthorized', message: 'no runner token' } });
    }
    if (req.method === 'GET' && url.pathname === pollRuns.path) {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_POLL_LIMIT) return json(res, 400, { error: { code: 'validation', message: 'bad limit' } });
      stats.polls++;
      const leased = leasableNow(limit);
      stats.leased += leased;
      return json(res, pollRuns.success.status, { runs: leaseRuns(leased, target) });
    }
    if (req.method === 'POST' && url.pathname === reportResults.path) {
      return acceptReport(req, res, countResults);
    }
    notFound(req, res);
  };
}

runStubServers(() => {
  stats.targetRequests++;
}, stubController);
