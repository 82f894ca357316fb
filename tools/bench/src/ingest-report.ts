import type { CpuShares } from './ingest-cpu';
import type { LoadResult } from './ingest-runners';
import { formatRate } from './measure';
import { count, ms, percentile, table } from './report-format';

export const TARGET_RESULTS_PER_SECOND = 5_000;
export const TARGET_BATCH = 100;
export const TARGET_POLL_P99_MS = 50;
// Other load above this share of one core skews the figures enough to say so.
const BUSY_MACHINE_PERCENT = 20;

const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);
const perSecond = (n: number) => (n >= 100 ? formatRate(n) : n.toFixed(1));

/** The figures of the measured phase, then the targets and whether they were met. */
export function printLoadReport(load: LoadResult, options: { batch: number; storedResults: number | undefined; cpu: CpuShares | null }): void {
  const m = load.measured;
  const seconds = load.measuredSeconds;
  const pollP99 = percentile(m.pollMs, 0.99);
  const accepted = rate(m.accepted, seconds);
  console.log(`measured ${seconds.toFixed(1)} s${load.exhausted ? ' (stopped early: every seeded run was leased; seed more with --checks)' : ''}\n`);
  for (const line of table([
    ['', 'total', 'per s', 'p50 ms', 'p99 ms'],
    ['results accepted', count(m.accepted), perSecond(accepted), '', ''],
    ['polls', count(m.polls), perSecond(rate(m.polls, seconds)), ms(percentile(m.pollMs, 0.5)), ms(pollP99)],
    ['reports', count(m.reports), perSecond(rate(m.reports, seconds)), ms(percentile(m.reportMs, 0.5)), ms(percentile(m.reportMs, 0.99))],
  ])) {
    console.log(`  ${line}`);
  }
  console.log('');
  const reasons = [...m.rejectReasons].map(([reason, n]) => `${reason} ${count(n)}`).join(', ');
  console.log(`  runs leased ${count(m.leased)}, empty polls ${count(m.emptyPolls)}, duplicates ${count(m.duplicates)}, rejected ${count(m.rejected)}${reasons ? ` (${reasons})` : ''}`);
  if (m.failures.size === 0) {
    console.log('  responses other than 200 (poll) / 202 (report): none');
  } else {
    console.log('  responses other than 200 (poll) / 202 (report):');
    for (const [key, { count: n, sample }] of m.failures) console.log(`    ${key}: ${count(n)} (first: ${sample})`);
  }
  if (options.storedResults !== undefined) {
    const agrees = options.storedResults === load.acceptedTotal;
    console.log(
      `  check_results rows after the run: ${count(options.storedResults)} ` +
        (agrees ? '(= accepted outcomes of the whole run, warm-up included)' : `(but ${count(load.acceptedTotal)} results were acknowledged as accepted: MISMATCH)`),
    );
  }
  if (options.cpu) {
    const { controller, postgres, bench, other, cores } = options.cpu;
    const pct = (n: number) => `${Math.round(n)}%`;
    console.log(
      `  CPU while measured (100% = one core, ${cores} cores): controller ${pct(controller)}, PostgreSQL ${pct(postgres)}, ` +
        `simulated runners ${pct(bench)}, other processes ${pct(other)}`,
    );
    if (other >= BUSY_MACHINE_PERCENT) {
      console.log(`  note: other processes took ${pct(other)} of one core meanwhile, so these figures understate what an idle machine does`);
    }
  }
  if (load.summaryMismatches > 0) {
    console.log(`  ${count(load.summaryMismatches)} report responses had accepted/duplicates/rejected totals that disagree with their per-item outcomes`);
  }
  for (const problem of load.contractProblems) console.log(`  contract mismatch: ${problem}`);

  const batchNote = options.batch === TARGET_BATCH ? '' : ` (this run used batches of ${options.batch})`;
  const rateMet = accepted >= TARGET_RESULTS_PER_SECOND && options.batch === TARGET_BATCH;
  const pollMet = pollP99 < TARGET_POLL_P99_MS;
  console.log('\ntargets (on this 2-core machine):');
  for (const line of table([
    [`results accepted >= ${formatRate(TARGET_RESULTS_PER_SECOND)}/s in batches of ${TARGET_BATCH}`, `${perSecond(accepted)}/s`, rateMet ? 'met' : `NOT met${batchNote}`],
    [`poll p99 < ${TARGET_POLL_P99_MS} ms`, `${ms(pollP99)} ms`, pollMet ? 'met' : 'NOT met'],
  ])) {
    console.log(`  ${line}`);
  }
  if (!rateMet) console.log(`missed: ${perSecond(accepted)} results accepted per second, the target is at least ${formatRate(TARGET_RESULTS_PER_SECOND)} in batches of ${TARGET_BATCH}${batchNote}`);
  if (!pollMet) console.log(`missed: poll p99 is ${ms(pollP99)} ms, the target is under ${TARGET_POLL_P99_MS} ms`);
}
