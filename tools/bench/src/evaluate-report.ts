import type { ProcessCpu } from './backend-cpu';
import type { CpuShares } from './ingest-cpu';
import type { WrittenCounts } from './evaluate-database';
import { formatRate } from './measure';
import { count, ms, passOrMiss, percentile, table } from './report-format';

export const TARGET_RESULTS_PER_SECOND = 5_000;
export const TARGET_FEED_RATE = 1_000;
export const TARGET_P99_MS = 100;

export interface Throughput {
  readonly results: number;
  readonly checks: number;
  readonly rounds: number;
  /** Results evaluated when the drain ended (all of them unless it timed out). */
  readonly evaluated: number;
  readonly seconds: number;
  readonly drained: boolean;
  readonly written: WrittenCounts;
  readonly cpu: CpuShares | null;
  /** The evaluator's CPU and its own PostgreSQL backends' while it drained. */
  readonly used: ProcessCpu | null;
}

export interface Latency {
  readonly rate: number;
  readonly seconds: number;
  readonly fed: number;
  /** received_at → evaluation of each measured result that was evaluated, ms. */
  readonly ms: readonly number[];
  /** Measured results still unevaluated when the bench stopped waiting. */
  readonly pending: number;
  /** Feeder batches that started more than one tick late (the feeder, or the database, fell behind). */
  readonly lateBatches: number;
  readonly cpu: CpuShares | null;
  /** The evaluator's CPU and its own PostgreSQL backends' over the measured feed. */
  readonly used: ProcessCpu | null;
}


// cpuMeter calls the measured process "controller": here it is the evaluator.
function cpuLine(cpu: CpuShares | null): string {
  if (cpu === null) return '';
  const pct = (n: number) => `${Math.round(n)}%`;
  return `CPU (100% = one core, ${cpu.cores} cores): evaluator ${pct(cpu.controller)}, PostgreSQL ${pct(cpu.postgres)}, bench ${pct(cpu.bench)}, other ${pct(cpu.other)}`;
}

/** CPU ms per result evaluated: the evaluator, its own PostgreSQL backends, both. */
function perResultLine(used: ProcessCpu | null, results: number): string {
  if (used === null || results === 0) return '';
  const per = (seconds: number) => ((seconds * 1000) / results).toFixed(3);
  return `CPU per result: evaluator ${per(used.service)} ms + its PostgreSQL backends ${per(used.backends)} ms = ${per(used.service + used.backends)} ms`;
}

export function throughputRate(t: Throughput): number {
  return t.seconds > 0 ? t.evaluated / t.seconds : 0;
}

/** The figures of both phases, then the targets with PASS or MISS. */
export function printEvaluateReport(t: Throughput, l: Latency): void {
  const rate = throughputRate(t);
  const p50 = percentile(l.ms, 0.5);
  const p99 = percentile(l.ms, 0.99);
  console.log('');
  for (const line of table([
    ['', 'results', 'seconds', 'per s', 'p50 ms', 'p99 ms', 'max ms'],
    [
      `backlog drained (${count(t.checks)} checks × ${t.rounds} round${t.rounds === 1 ? '' : 's'} × 3 locations)${t.drained ? '' : ', NOT drained'}`,
      count(t.evaluated),
      t.seconds.toFixed(1),
      formatRate(rate),
      '',
      '',
      '',
    ],
    [
      `steady feed of ${count(l.rate)}/s, report → commit`,
      count(l.ms.length),
      l.seconds.toFixed(1),
      formatRate(l.seconds > 0 ? l.fed / l.seconds : 0),
      ms(p50),
      ms(p99),
      ms(l.ms.length === 0 ? Number.NaN : Math.max(...l.ms)),
    ],
  ])) {
    console.log(`  ${line}`);
  }
  const w = t.written;
  console.log(
    `\n  the backlog wrote ${count(w.transitions)} event transitions (${count(w.openEvents)} events open, ${count(w.closedEvents)} closed, ` +
      `${count(w.downChecks)} checks down) and ${count(w.outbox)} outbox rows`,
  );
  if (t.cpu) console.log(`  backlog ${cpuLine(t.cpu)}`);
  if (l.cpu) console.log(`  feed    ${cpuLine(l.cpu)}`);
  if (t.used) console.log(`  backlog ${perResultLine(t.used, t.evaluated)}`);
  if (l.used) console.log(`  feed    ${perResultLine(l.used, l.fed)}`);
  if (l.pending > 0) console.log(`  ${count(l.pending)} measured results were still unevaluated when the bench stopped waiting (not in the percentiles)`);
  if (l.lateBatches > 0) console.log(`  ${count(l.lateBatches)} feeder batches started late: the feed was not steady`);

  const rateMet = t.drained && rate >= TARGET_RESULTS_PER_SECOND;
  const p99Met = l.pending === 0 && p99 < TARGET_P99_MS && l.rate >= TARGET_FEED_RATE;
  const rateNote = l.rate >= TARGET_FEED_RATE ? '' : ` (this run fed ${count(l.rate)}/s)`;
  console.log('\ntargets (PostgreSQL, one evaluator process, this machine):');
  for (const line of table([
    [`results evaluated >= ${formatRate(TARGET_RESULTS_PER_SECOND)}/s`, `${formatRate(rate)}/s`, passOrMiss(rateMet)],
    [`p99 report → commit < ${TARGET_P99_MS} ms at ${formatRate(TARGET_FEED_RATE)} results/s`, `${ms(p99)} ms${rateNote}`, passOrMiss(p99Met)],
  ])) {
    console.log(`  ${line}`);
  }
}
