import { RETENTION_DEFAULT_DAYS } from '@vigil/config';
import type { CpuShares } from './ingest-cpu';
import { formatRate } from './measure';
import { count, ms, percentile, table } from './report-format';
import type { ReadTimes } from './scale-reads';
import type { RetentionPhase } from './scale-retention';

export const TARGET_FRACTION_OF_RAW = 0.4;
export const TARGET_READ_P99_MS = 100;
export const TARGET_BYTES_PER_RESULT = 150;

/** How long each kind of data is kept, for the retained size: the retention job's defaults. */
export interface Retention {
  readonly rawDays: number;
  readonly hourlyDays: number;
  readonly dailyDays: number;
}

export const ASSUMED_RETENTION: Retention = { rawDays: RETENTION_DEFAULT_DAYS.results, hourlyDays: RETENTION_DEFAULT_DAYS.hourlyRollups, dailyDays: RETENTION_DEFAULT_DAYS.dailyRollups };

export interface SizeRow {
  readonly table: string;
  readonly bytes: number;
  readonly rows: number;
  /** The results the rows account for. */
  readonly results: number;
}

export interface ScaleFigures {
  readonly checks: number;
  readonly intervalS: number;
  readonly raw: { readonly rows: number; readonly seconds: number };
  readonly load: {
    readonly seconds: number;
    readonly exhausted?: boolean;
    /** Who used the CPUs in the window; null where /proc is missing. */
    readonly cpu?: CpuShares | null;
    readonly stored: number;
    readonly evaluated: number;
    readonly endToEnd: number;
    readonly pendingAtEnd: number;
  };
  readonly retention: RetentionPhase;
  readonly sizes: { readonly database: number; readonly results: SizeRow; readonly hourly: SizeRow; readonly daily: SizeRow };
  /** Timed after the load (the targets), and during it. */
  readonly reads: readonly ReadTimes[];
  readonly readsUnderLoad: readonly ReadTimes[];
}

/** Bytes of a table per result it accounts for; NaN when it has none. */
export const bytesPerResult = (row: SizeRow): number => (row.results > 0 ? row.bytes / row.results : Number.NaN);

/**
 * Bytes per result once rolled up and retained: the bytes the results tables hold at steady
 * state under the retention (raw rows for rawDays, hourly rollups for hourlyDays, daily for
 * dailyDays), divided by the results they account for (those of the longest window, dailyDays).
 * Each table's bytes per result is measured on the seeded database (heap, indexes and TOAST).
 */
export function retainedBytesPerResult(sizes: ScaleFigures['sizes'], retention: Retention = ASSUMED_RETENTION): number {
  const longest = Math.max(retention.rawDays, retention.hourlyDays, retention.dailyDays);
  const part = (row: SizeRow, days: number) => (days === 0 ? 0 : bytesPerResult(row) * days);
  return (part(sizes.results, retention.rawDays) + part(sizes.hourly, retention.hourlyDays) + part(sizes.daily, retention.dailyDays)) / longest;
}

/** `1536` → `1.5 KB`, in powers of 1024. */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const perResult = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const rate = (n: number, seconds: number) => (seconds > 0 ? n / seconds : 0);

/** The report: the figures, the definitions they need, then each target and whether it was met. */
export function formatScaleReport(f: ScaleFigures): string[] {
  const lines: string[] = [];
  const rawRate = rate(f.raw.rows, f.raw.seconds);
  const endToEnd = rate(f.load.endToEnd, f.load.seconds);
  const fraction = rawRate > 0 ? endToEnd / rawRate : 0;
  const targetRate = (f.checks * 3) / f.intervalS;

  lines.push(`load (${f.load.seconds.toFixed(1)} s measured; the load of ${count(f.checks)} checks × 3 locations every ${f.intervalS / 60} min is ${formatRate(targetRate)} results/s):`);
  for (const line of table([
    ['', 'results', 'per s'],
    ['raw batched INSERT into check_results (no evaluation)', count(f.raw.rows), formatRate(rawRate)],
    ['stored (report → check_results)', count(f.load.stored), formatRate(rate(f.load.stored, f.load.seconds))],
    ['evaluated and rolled up', count(f.load.evaluated), formatRate(rate(f.load.evaluated, f.load.seconds))],
    ['end to end (the lesser: the pipeline\'s sustained rate)', count(f.load.endToEnd), formatRate(endToEnd)],
  ])) {
    lines.push(`  ${line}`);
  }
  lines.push(
    `  end to end is ${(fraction * 100).toFixed(1)} % of the raw insert rate and ${((endToEnd / targetRate) * 100).toFixed(1)} % of the ${formatRate(targetRate)}/s load; ` +
      `${count(f.load.pendingAtEnd)} stored results were not evaluated yet when the window closed`,
  );
  if (f.load.cpu) {
    const { postgres, bench, other, cores } = f.load.cpu;
    const pct = (n: number) => `${Math.round(n)}%`;
    lines.push(
      `  CPU in the window (100% = one core, ${cores} cores): this process (runners, controller, evaluator) ${pct(bench)}, ` +
        `PostgreSQL (every database on the server) ${pct(postgres)}, other processes ${pct(other)}`,
    );
  }
  if (f.load.exhausted) lines.push('  the load stopped early: every seeded location state was leased (seed more with --checks or shorten --duration)');
  lines.push(
    f.retention.available
      ? `  retention: one pass during the load took ${f.retention.seconds.toFixed(1)} s and removed ${f.retention.removed}`
      : `  retention: not available (${f.retention.why}); the figures above do not include its cost`,
  );

  lines.push('', `size (database ${bytes(f.sizes.database)}; bytes are heap + indexes + TOAST):`);
  const { results, hourly, daily } = f.sizes;
  for (const line of table([
    ['', 'rows', 'results', 'size', 'bytes/row', 'bytes/result'],
    ...[results, hourly, daily].map((row) => [
      row.table,
      count(row.rows),
      count(row.results),
      bytes(row.bytes),
      perResult(row.rows > 0 ? row.bytes / row.rows : Number.NaN),
      perResult(bytesPerResult(row)),
    ]),
  ])) {
    lines.push(`  ${line}`);
  }
  const perDay = targetRate * 86_400;
  const retained = retainedBytesPerResult(f.sizes);
  const r = ASSUMED_RETENTION;
  lines.push(
    `  a day of results at that load (${count(Math.round(perDay))} results): ${bytes(perDay * bytesPerResult(results))} raw, ` +
      `${bytes(perDay * bytesPerResult(hourly))} of hourly and ${bytes(perDay * bytesPerResult(daily))} of daily rollups`,
  );
  lines.push(
    `  retained: raw ${r.rawDays} d, hourly ${r.hourlyDays} d, daily ${r.dailyDays} d (the VIGIL_RETENTION_* defaults) → ` +
      `(raw × ${r.rawDays} + hourly × ${r.hourlyDays} + daily × ${r.dailyDays}) / ${Math.max(r.rawDays, r.hourlyDays, r.dailyDays)} = ${perResult(retained)} bytes per result, ` +
      `${bytes(perDay * retained * Math.max(r.rawDays, r.hourlyDays, r.dailyDays))} at steady state`,
  );

  const readRows = (times: readonly ReadTimes[]) =>
    table([
      ['', 'requests', 'p50 ms', 'p99 ms', 'not 200'],
      ...times.map((t) => [t.name, count(t.ms.length), ms(percentile(t.ms, 0.5)), ms(percentile(t.ms, 0.99)), count(t.failures)]),
    ]);
  lines.push('', 'reads after the load (the targets):');
  for (const line of readRows(f.reads)) lines.push(`  ${line}`);
  if (f.readsUnderLoad.length > 0) {
    lines.push('reads during the load (the same process serves the load, evaluates and answers):');
    for (const line of readRows(f.readsUnderLoad)) lines.push(`  ${line}`);
  }
  for (const t of [...f.reads, ...f.readsUnderLoad]) if (t.firstFailure !== undefined) lines.push(`  ${t.name}: first response other than 200: ${t.firstFailure}`);

  const worst = f.reads.reduce<{ name: string; p99: number } | undefined>((acc, t) => {
    const p99 = percentile(t.ms, 0.99);
    return acc === undefined || p99 > acc.p99 ? { name: t.name, p99 } : acc;
  }, undefined);
  const rateMet = fraction >= TARGET_FRACTION_OF_RAW;
  const readsMet = f.reads.length > 0 && f.reads.every((t) => percentile(t.ms, 0.99) < TARGET_READ_P99_MS && t.failures === 0);
  const sizeMet = retained < TARGET_BYTES_PER_RESULT;
  lines.push('', 'targets:');
  for (const line of table([
    [`end to end >= ${TARGET_FRACTION_OF_RAW * 100} % of the raw insert rate`, `${(fraction * 100).toFixed(1)} %`, rateMet ? 'met' : 'NOT met'],
    [`every read p99 < ${TARGET_READ_P99_MS} ms`, worst === undefined ? '-' : `${ms(worst.p99)} ms`, readsMet ? 'met' : 'NOT met'],
    [`< ${TARGET_BYTES_PER_RESULT} bytes per result once rolled up and retained`, perResult(retained), sizeMet ? 'met' : 'NOT met'],
  ])) {
    lines.push(`  ${line}`);
  }
  if (!rateMet) lines.push(`missed: end to end ${formatRate(endToEnd)} results/s is ${(fraction * 100).toFixed(1)} % of the raw insert's ${formatRate(rawRate)}/s; the target is at least ${TARGET_FRACTION_OF_RAW * 100} %`);
  if (!readsMet && worst !== undefined) lines.push(`missed: the slowest read, ${worst.name}, has p99 ${ms(worst.p99)} ms (or a response other than 200); the target is under ${TARGET_READ_P99_MS} ms`);
  if (!sizeMet) lines.push(`missed: ${perResult(retained)} bytes per result once rolled up and retained; the target is under ${TARGET_BYTES_PER_RESULT}`);
  return lines;
}
