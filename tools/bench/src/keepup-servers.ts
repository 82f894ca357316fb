// Child process of the keep-up benchmark (`node tools/scripts/run-ts.mjs tools/bench/src/keepup-servers.ts <checks> <interval_s>`):
// the HTTP target every check requests and a stub controller that schedules `checks` http
// checks every `interval_s` as the real one does (slots at offset + k × period, leases ahead
// of due time, a late poll skips the slots it missed), so that a runner that falls behind is
// seen: the target's rate drops below checks / interval and runs start late. Prints one line
// `READY {"target":…,"controller":…}` once both listen; stops on SIGTERM or SIGINT.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MAX_POLL_LIMIT, MAX_POLL_LOOKAHEAD_MS, pollRuns, type ReportedResult, reportResults, type RunSpec } from '@vigil/contracts';
import { STATS_PATH } from './runner-protocol';
import { acceptReport, json, notFound, runStubServers } from './stub-servers';
import type { KeepUpStats } from './keepup-protocol';

const SPEC = { method: 'GET', headers: {}, expected_statuses: ['2xx', '3xx'], follow_redirects: true, max_redirects: 5, verify_tls: true };
const TIMEOUT_MS = 5000;
// As the controller's LEASE_GRACE_MS.
const LEASE_GRACE_MS = 30_000;
/** A run that starts this long after its due time counts as late. */
const LATE_MS = 1000;

interface Check {
  readonly id: string;
  readonly offsetMs: number;
  nextDueMs: number;
  /** The run leased and not yet reported, with its lease's end. */
  leasedRun: string | undefined;
  leasedUntilMs: number;
}

const checkCount = Number(process.argv[2]);
const periodMs = Number(process.argv[3]) * 1000;
if (!Number.isInteger(checkCount) || checkCount < 1 || !Number.isFinite(periodMs) || periodMs < 1000) {
  throw new Error('usage: keepup-servers.ts <checks> <interval_s>');
}

const stats = {
  polls: 0,
  leased: 0,
  reports: 0,
  reported: 0,
  ok: 0,
  failed: 0,
  targetRequests: 0,
  unauthorized: 0,
  slotsSkipped: 0,
  leasesExpired: 0,
  startedLate: 0,
  lateMsSum: 0,
  lateMsMax: 0,
};
const errorCodes = new Map<string, number>();

// The slots: offset spread evenly by a hash, as scheduleOffsetMs does. The schedule starts at
// the first poll, so the runner's own start (bundling it takes seconds) is not a backlog.
const checks: Check[] = Array.from({ length: checkCount }, (_, i) => {
  const offsetMs = (i * 2654435761) % periodMs;
  return { id: randomUUID(), offsetMs, nextDueMs: 0, leasedRun: undefined, leasedUntilMs: 0 };
});
let started = false;
const byId = new Map(checks.map((check) => [check.id, check]));
const dueAtOfRun = new Map<string, number>();

function firstSlotAfter(offsetMs: number, afterMs: number): number {
  return (Math.floor((afterMs - offsetMs) / periodMs) + 1) * periodMs + offsetMs;
}

/** A binary min-heap of checks by next due time: a poll reads them in order, as the (location, next_due_at) index does. */
const heap: Check[] = [];
function heapPush(check: Check): void {
  heap.push(check);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent].nextDueMs <= heap[i].nextDueMs) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
}
function heapPop(): Check | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last !== undefined) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < heap.length && heap[left].nextDueMs < heap[least].nextDueMs) least = left;
      if (right < heap.length && heap[right].nextDueMs < heap[least].nextDueMs) least = right;
      if (least === i) break;
      [heap[least], heap[i]] = [heap[i], heap[least]];
      i = least;
    }
  }
  return top;
}
function startSchedule(nowMs: number): void {
  started = true;
  for (const check of checks) {
    check.nextDueMs = firstSlotAfter(check.offsetMs, nowMs - 1);
    heapPush(check);
  }
}

/** As leaseDueRuns: the due rows in order, a live lease skipped, the next slot the first after the later of now and the due time. */
function leaseRuns(limit: number, lookaheadMs: number, target: string): RunSpec[] {
  const now = Date.now();
  if (!started) startSchedule(now);
  const runs: RunSpec[] = [];
  const heldBack: Check[] = [];
  while (runs.length < limit && heap.length > 0 && heap[0].nextDueMs <= now + lookaheadMs) {
    const check = heapPop() as Check;
    if (check.leasedRun !== undefined && check.leasedUntilMs >= now) {
      heldBack.push(check);
      continue;
    }
    if (check.leasedRun !== undefined) {
      stats.leasesExpired++;
      dueAtOfRun.delete(check.leasedRun);
    }
    const dueMs = check.nextDueMs;
    const startsMs = Math.max(now, dueMs);
    stats.slotsSkipped += Math.max(0, Math.floor((now - dueMs) / periodMs));
    const runId = randomUUID();
    check.leasedRun = runId;
    check.leasedUntilMs = startsMs + TIMEOUT_MS + LEASE_GRACE_MS;
    check.nextDueMs = firstSlotAfter(check.offsetMs, startsMs);
    dueAtOfRun.set(runId, dueMs);
    heapPush(check);
    runs.push({ run_id: runId, check_id: check.id, type: 'http', target, spec: SPEC, timeout_ms: TIMEOUT_MS, due_at: new Date(dueMs).toISOString() });
  }
  for (const check of heldBack) heapPush(check);
  return runs;
}

function countResults(results: readonly ReportedResult[]) {
  stats.reports++;
  stats.reported += results.length;
  return results.map((result) => {
    const check = byId.get(result.check_id);
    const dueMs = dueAtOfRun.get(result.run_id);
    if (dueMs !== undefined) {
      dueAtOfRun.delete(result.run_id);
      const lateMs = Date.parse(result.checked_at) - dueMs;
      if (lateMs > LATE_MS) stats.startedLate++;
      stats.lateMsSum += Math.max(0, lateMs);
      stats.lateMsMax = Math.max(stats.lateMsMax, lateMs);
    }
    if (check?.leasedRun === result.run_id) check.leasedRun = undefined;
    if (result.ok) stats.ok++;
    else {
      stats.failed++;
      const code = result.error_code ?? 'no error_code';
      errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
    }
    return { run_id: result.run_id, check_id: result.check_id, outcome: 'accepted' as const };
  });
}

function snapshot(): KeepUpStats {
  const cpu = process.cpuUsage();
  return { ...stats, errorCodes: Object.fromEntries(errorCodes), at: performance.timeOrigin + performance.now(), cpuMicros: cpu.user + cpu.system };
}

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
      const lookaheadMs = Number(url.searchParams.get('lookahead_ms') ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_POLL_LIMIT || !(lookaheadMs >= 0 && lookaheadMs <= MAX_POLL_LOOKAHEAD_MS)) {
        return json(res, 400, { error: { code: 'validation', message: 'bad limit or lookahead_ms' } });
      }
      stats.polls++;
      const runs = leaseRuns(limit, lookaheadMs, target);
      stats.leased += runs.length;
      return json(res, pollRuns.success.status, { runs });
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
