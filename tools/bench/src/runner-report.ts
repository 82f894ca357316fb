import { formatRate } from './measure';
import { count, passOrMiss, table } from './report-format';
import type { LoadMode, PhaseFigures } from './runner-protocol';

export const TARGET_CHECKS_PER_SECOND = 2_000;
export const TARGET_SHARE_OF_BARE = 0.8;
export const TARGET_RSS_MB = 200;
/** The RSS target holds at this concurrency. */
export const TARGET_RSS_CONCURRENCY = 1_000;

export interface PhaseRow {
  readonly mode: LoadMode;
  readonly concurrency: number;
  readonly figures: PhaseFigures;
}

const MODE_NAMES: Readonly<Record<LoadMode, string>> = { bare: 'bare got loop', drain: 'agent, drain', periodic: 'agent, periodic' };

const mb = (bytes: number) => bytes / (1024 * 1024);

/** What a phase measured, as the progress line while the benchmark runs. */
export function phaseLine(row: PhaseRow): string {
  const f = row.figures;
  const failures = f.failed === 0 ? 'none failed' : `${count(f.failed)} failed (${codes(f.errorCodes)})`;
  return (
    `${MODE_NAMES[row.mode]}, ${count(row.concurrency)} in flight: ${formatRate(f.perSecond)} checks/s over ${f.seconds.toFixed(1)} s, ` +
    `${failures}; peak RSS ${mb(f.peakRssBytes).toFixed(0)} MB, in flight peak ${f.peakInFlight} mean ${Math.round(f.meanInFlight)}; ` +
    `CPU runner ${Math.round(f.runnerCpu)}% (${f.cpuMsPerCheck.toFixed(3)} ms per check, loop delay p99 ${f.loopDelayP99Ms.toFixed(0)} ms), servers ${Math.round(f.serversCpu)}%, other ${Math.round(f.otherCpu)}%`
  );
}

function codes(errorCodes: Readonly<Record<string, number>>): string {
  return Object.entries(errorCodes)
    .map(([code, n]) => `${code} ${count(n)}`)
    .join(', ');
}

interface Verdicts {
  readonly rate: boolean;
  readonly share: boolean | undefined;
  readonly rss: boolean | undefined;
}

function verdicts(row: PhaseRow, bare: PhaseFigures | undefined): Verdicts {
  const f = row.figures;
  return {
    rate: f.perSecond >= TARGET_CHECKS_PER_SECOND,
    share: bare && f.perSecond >= TARGET_SHARE_OF_BARE * bare.perSecond,
    rss: row.concurrency === TARGET_RSS_CONCURRENCY ? mb(f.peakRssBytes) < TARGET_RSS_MB : undefined,
  };
}

/** Every phase in one table, with the agent's verdicts against the targets. */
export function printRunnerReport(rows: readonly PhaseRow[]): void {
  const bareAt = new Map(rows.filter((row) => row.mode === 'bare').map((row) => [row.concurrency, row.figures]));
  const header = [
    'mode',
    'in flight',
    'checks/s',
    '% of bare',
    'failed',
    'peak RSS MB',
    'peak in flight',
    'mean in flight',
    'runner CPU',
    'CPU ms/check',
    'loop p99 ms',
    'servers CPU',
    'other CPU',
    `>= ${formatRate(TARGET_CHECKS_PER_SECOND)}/s`,
    `>= ${TARGET_SHARE_OF_BARE * 100}% bare`,
    `RSS < ${TARGET_RSS_MB} MB`,
  ];
  const misses: string[] = [];
  const lines = rows.map((row) => {
    const f = row.figures;
    const bare = bareAt.get(row.concurrency);
    const share = bare && bare.perSecond > 0 ? `${Math.round((f.perSecond / bare.perSecond) * 100)}%` : '-';
    const figures = [
      MODE_NAMES[row.mode],
      count(row.concurrency),
      formatRate(f.perSecond),
      row.mode === 'bare' ? '' : share,
      count(f.failed),
      mb(f.peakRssBytes).toFixed(0),
      String(f.peakInFlight),
      String(Math.round(f.meanInFlight)),
      `${Math.round(f.runnerCpu)}%`,
      f.cpuMsPerCheck.toFixed(3),
      f.loopDelayP99Ms.toFixed(0),
      `${Math.round(f.serversCpu)}%`,
      `${Math.round(f.otherCpu)}%`,
    ];
    if (row.mode === 'bare') return [...figures, '', '', ''];
    const v = verdicts(row, bare);
    const where = `${MODE_NAMES[row.mode]} at ${count(row.concurrency)}`;
    if (!v.rate) misses.push(`${where}: ${formatRate(f.perSecond)} checks/s, the target is at least ${formatRate(TARGET_CHECKS_PER_SECOND)}`);
    if (v.share === false) misses.push(`${where}: ${share} of the bare loop's rate, the target is at least ${TARGET_SHARE_OF_BARE * 100}%`);
    if (v.rss === false) misses.push(`${where}: peak RSS ${mb(f.peakRssBytes).toFixed(0)} MB, the target is under ${TARGET_RSS_MB} MB`);
    return [...figures, passOrMiss(v.rate), v.share === undefined ? '-' : passOrMiss(v.share), v.rss === undefined ? '-' : passOrMiss(v.rss)];
  });
  console.log('');
  for (const line of table([header, ...lines])) console.log(`  ${line}`);
  console.log(
    '\n  checks/s: bare, got calls settled per second; agent, results the stub controller received per second (poll, probe, report: end to end).' +
      '\n  CPU ms/check: the measured process\'s CPU time (user + system) per check counted; loop p99: its event-loop delay.' +
      '\n  CPU: percent of one core over the measured window; the servers are the target and the stub controller, in one process;' +
      '\n  other is the rest of the machine (other jobs): well above 0% means the figures understate what an idle machine does.',
  );
  const failing = rows.filter((row) => row.figures.failed > 0);
  for (const row of failing) console.log(`  ${MODE_NAMES[row.mode]} at ${row.concurrency}: failed checks by code: ${codes(row.figures.errorCodes)}`);
  if (rows.some((row) => row.mode !== 'bare')) {
    console.log(
      misses.length === 0
        ? `\ntargets met (>= ${formatRate(TARGET_CHECKS_PER_SECOND)} checks/s, >= ${TARGET_SHARE_OF_BARE * 100}% of the bare loop, RSS < ${TARGET_RSS_MB} MB at ${formatRate(TARGET_RSS_CONCURRENCY)} in flight)`
        : `\nmissed:\n${misses.map((miss) => `  ${miss}`).join('\n')}`,
    );
  }
}
