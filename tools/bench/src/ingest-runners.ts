import { performance } from 'node:perf_hooks';
import { pollRuns, type ReportedResult, reportResults, type RunSpec } from '@vigil/contracts';
import { createRunnerSigner, type RunnerSigner } from '@vigil/runner-auth';
import type { z } from 'zod';
import type { SeededRunner } from './ingest-database';
import { type HttpResponse, JsonClient, NetworkError } from './ingest-http';

export interface LoadOptions {
  readonly url: string;
  readonly runners: readonly SeededRunner[];
  readonly concurrency: number;
  readonly batch: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Most runs to lease in all: the seeded location states. */
  readonly budget: number;
  /** Resolves with a reason if the controller dies: the load stops at once. */
  readonly crashed: Promise<string>;
  /** Called when the measured time starts and when it ends (or the load stops earlier). */
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: () => void;
}

/** Figures of one phase (warm-up, measured, after), by the time each response completed. */
export class PhaseStats {
  polls = 0;
  emptyPolls = 0;
  reports = 0;
  leased = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  readonly rejectReasons = new Map<string, number>();
  readonly pollMs: number[] = [];
  readonly reportMs: number[] = [];
  /** `poll 429`, `report 500`, `report network error ECONNRESET`… with a count and the first error. */
  readonly failures = new Map<string, { count: number; sample: string }>();

  fail(key: string, sample: string): void {
    const entry = this.failures.get(key);
    if (entry) entry.count++;
    else this.failures.set(key, { count: 1, sample });
  }
}

export interface LoadResult {
  readonly measured: PhaseStats;
  readonly measuredSeconds: number;
  /** Accepted outcomes over the whole run (warm-up and the tail too), to compare with the table. */
  readonly acceptedTotal: number;
  /** Reports whose `accepted`/`duplicates`/`rejected` totals disagree with their per-item outcomes. */
  readonly summaryMismatches: number;
  /** Where the first poll or report response did not match its contract. */
  readonly contractProblems: readonly string[];
  /** Every seeded run was leased before the measured time was over. */
  readonly exhausted: boolean;
  /** Why the load stopped early (a refused request, a dead controller), if it did. */
  readonly fatal: string | undefined;
}

/** Responses that mean the bench itself is wrong or the API is missing: measuring further is pointless. */
const FATAL_STATUSES = new Set([400, 401, 403, 404, 405, 413, 415, 422]);
const EMPTY_POLL_PAUSE_MS = 25;
const FAILURE_PAUSE_MS = 100;
const REPORT_TRIES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorSummary(response: HttpResponse): string {
  try {
    const body = JSON.parse(response.text) as { error?: { code?: string; message?: string } };
    if (body.error) return `${body.error.code}: ${body.error.message}`;
  } catch {
    // not JSON: show the text
  }
  return response.text.slice(0, 200) || '(empty body)';
}

function retryAfterMs(response: HttpResponse): number {
  const seconds = Number(response.retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 5_000) : FAILURE_PAUSE_MS;
}

/** What a healthy HTTP probe would report, with a little variety. */
function resultOf(run: RunSpec, checkedAt: string): ReportedResult {
  const total = 60 + Math.floor(Math.random() * 240);
  const timings = { dns: 2, tcp: 9, tls: 21, first_byte: total - 37, download: 5, total };
  return { run_id: run.run_id, check_id: run.check_id, ok: true, status_code: 200, latency_ms: total, timings, checked_at: checkedAt };
}

interface ReportBody {
  results: { outcome: string; reason?: string }[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

interface Runner {
  readonly client: JsonClient;
  readonly signer: RunnerSigner;
}

/**
 * The simulated runners: for each runner, `concurrency` loops that poll for up to `batch`
 * runs and report them all in one batch, until the measured time is over (or every seeded
 * run was leased). A response counts in the phase in which it completed, so the measured
 * window is exactly `seconds` long and in-flight requests at either edge balance out.
 */
class Load {
  private readonly warmup = new PhaseStats();
  private readonly measured = new PhaseStats();
  private readonly after = new PhaseStats();
  private readonly measureStart: number;
  private readonly measureEnd: number;
  private remaining: number;
  private exhausted = false;
  private fatal: string | undefined;
  private acceptedTotal = 0;
  private summaryMismatches = 0;
  private readonly contractProblems: string[] = [];
  private readonly contractChecked = { poll: false, report: false };
  private lastDone: number;

  constructor(private readonly options: LoadOptions) {
    const now = performance.now();
    this.measureStart = now + options.warmupSeconds * 1000;
    this.measureEnd = this.measureStart + options.seconds * 1000;
    this.remaining = options.budget;
    this.lastDone = now;
    void options.crashed.then((reason) => this.stop(reason));
  }

  async run(): Promise<LoadResult> {
    const runners = this.options.runners.map((runner) => ({
      client: new JsonClient(this.options.url, `vigil-bench/0 (${runner.slug})`, this.options.concurrency),
      signer: createRunnerSigner({ slug: runner.slug, privateKeyPem: runner.privateKeyPem }),
    }));
    const window = this.measureWindow();
    try {
      await Promise.all(runners.flatMap((runner) => Array.from({ length: this.options.concurrency }, () => this.loop(runner))));
    } finally {
      window.close();
      for (const runner of runners) runner.client.close();
    }
    return {
      measured: this.measured,
      measuredSeconds: Math.max(0, Math.min(this.measureEnd, this.lastDone) - this.measureStart) / 1000,
      acceptedTotal: this.acceptedTotal,
      summaryMismatches: this.summaryMismatches,
      contractProblems: this.contractProblems,
      exhausted: this.exhausted,
      fatal: this.fatal,
    };
  }

  /** Calls onMeasureStart/onMeasureEnd on time; `close()` ends the window early if the load stopped first. */
  private measureWindow(): { close(): void } {
    let open = false;
    const end = () => {
      if (!open) return;
      open = false;
      this.options.onMeasureEnd?.();
    };
    const startTimer = setTimeout(() => {
      open = true;
      this.options.onMeasureStart?.();
    }, this.measureStart - performance.now());
    const endTimer = setTimeout(end, this.measureEnd - performance.now());
    return {
      close: () => {
        clearTimeout(startTimer);
        clearTimeout(endTimer);
        end();
      },
    };
  }

  private stop(reason: string): void {
    this.fatal ??= reason;
  }

  private running(): boolean {
    return this.fatal === undefined && performance.now() < this.measureEnd;
  }

  private phaseAt(at: number): PhaseStats {
    if (at < this.measureStart) return this.warmup;
    return at <= this.measureEnd ? this.measured : this.after;
  }

  private async loop(runner: Runner): Promise<void> {
    while (this.running()) {
      const limit = Math.min(this.options.batch, this.remaining);
      if (limit === 0) {
        this.exhausted = true;
        break;
      }
      this.remaining -= limit;
      const runs = await this.poll(runner, limit);
      this.remaining += limit - (runs?.length ?? 0);
      if (runs === undefined) continue;
      if (runs.length === 0) {
        await sleep(EMPTY_POLL_PAUSE_MS);
        continue;
      }
      // Leased runs are always reported, even past the deadline: none is left hanging.
      await this.report(runner, runs);
    }
    this.lastDone = Math.max(this.lastDone, performance.now());
  }

  /** The leased runs, or undefined when the poll failed. */
  private async poll(runner: Runner, limit: number): Promise<RunSpec[] | undefined> {
    const response = await attempt(() => runner.client.send('GET', `${pollRuns.path}?limit=${limit}`, `Bearer ${runner.signer.token()}`));
    if (response instanceof NetworkError || response.status !== pollRuns.success.status) {
      await this.failed('poll', response);
      return undefined;
    }
    const body = JSON.parse(response.text) as { runs: RunSpec[] };
    if (body.runs.length > 0) this.checkContract('poll', pollRuns.success.schema, body);
    const stats = this.phaseAt(response.doneAt);
    stats.polls++;
    stats.pollMs.push(response.ms);
    stats.leased += body.runs.length;
    if (body.runs.length === 0) stats.emptyPolls++;
    return body.runs;
  }

  private async report(runner: Runner, runs: readonly RunSpec[]): Promise<void> {
    const checkedAt = new Date().toISOString();
    const body = JSON.stringify({ results: runs.map((run) => resultOf(run, checkedAt)) });
    // A failed report is sent again (its leases still hold): reports are idempotent.
    for (let tries = 0; tries < REPORT_TRIES && this.fatal === undefined; tries++) {
      const response = await attempt(() => runner.client.send('POST', reportResults.path, `Bearer ${runner.signer.token()}`, body));
      if (response instanceof NetworkError || response.status !== reportResults.success.status) {
        await this.failed('report', response);
        continue;
      }
      const parsed = JSON.parse(response.text) as ReportBody;
      this.checkContract('report', reportResults.success.schema, parsed);
      this.countOutcomes(this.phaseAt(response.doneAt), response.ms, parsed, runs.length);
      return;
    }
  }

  /** Counts only what the response says per item; its totals are cross-checked, not trusted. */
  private countOutcomes(stats: PhaseStats, ms: number, body: ReportBody, sent: number): void {
    stats.reports++;
    stats.reportMs.push(ms);
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    for (const item of body.results) {
      if (item.outcome === 'accepted' || item.outcome === 'duplicate') {
        counts[item.outcome]++;
        continue;
      }
      counts.rejected++;
      const reason = item.reason ?? 'no reason given';
      stats.rejectReasons.set(reason, (stats.rejectReasons.get(reason) ?? 0) + 1);
    }
    stats.accepted += counts.accepted;
    stats.duplicates += counts.duplicate;
    stats.rejected += counts.rejected;
    this.acceptedTotal += counts.accepted;
    const agrees =
      counts.accepted === body.accepted && counts.duplicate === body.duplicates && counts.rejected === body.rejected && body.results.length === sent;
    if (!agrees) this.summaryMismatches++;
  }

  /** Checks the first response of each kind against its contract (once: parsing every response would load the client). */
  private checkContract(kind: 'poll' | 'report', schema: z.ZodType, body: unknown): void {
    if (this.contractChecked[kind]) return;
    this.contractChecked[kind] = true;
    const parsed = schema.safeParse(body);
    if (parsed.success) return;
    for (const issue of parsed.error.issues.slice(0, 3)) {
      this.contractProblems.push(`${kind} response: ${issue.path.map(String).join('.') || '(body)'} ${issue.message}`);
    }
  }

  private async failed(kind: 'poll' | 'report', outcome: HttpResponse | NetworkError): Promise<void> {
    if (outcome instanceof NetworkError) {
      this.phaseAt(performance.now()).fail(`${kind} network error ${outcome.message}`, outcome.message);
      await sleep(FAILURE_PAUSE_MS);
      return;
    }
    const summary = errorSummary(outcome);
    this.phaseAt(outcome.doneAt).fail(`${kind} ${outcome.status}`, summary);
    if (FATAL_STATUSES.has(outcome.status)) {
      const route = kind === 'poll' ? `GET ${pollRuns.path}` : `POST ${reportResults.path}`;
      this.stop(`the controller answered ${route} with ${outcome.status} (${summary})`);
      return;
    }
    await sleep(outcome.status === 429 ? retryAfterMs(outcome) : FAILURE_PAUSE_MS);
  }
}

async function attempt(send: () => Promise<HttpResponse>): Promise<HttpResponse | NetworkError> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof NetworkError) return error;
    throw error;
  }
}

/** Drives the controller with the simulated runners; see {@link Load}. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Load(options).run();
}
