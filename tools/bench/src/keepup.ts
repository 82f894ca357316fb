import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUNNER_MAX_OLD_SPACE_MB } from '@vigil/runner-agent';
import { workspaceRoot } from '@vigil/processes';
import { optionsOrExit, readFlags, type Timing, timingFlag, UsageError, wholeNumber } from './args';
import type { KeepUpStats } from './keepup-protocol';
import { startTsChild, type TsChild } from './runner-children';
import { type LoadPhase, type PhaseFigures, READY_PREFIX, readStats, RESULT_PREFIX, type ServerUrls } from './runner-protocol';

const RUNNER_HEAP_FLAG = `--max-old-space-size=${RUNNER_MAX_OLD_SPACE_MB}`;
const CHILD_START_MS = 30_000;
const PHASE_SLACK_MS = 30_000;

interface KeepUpOptions {
  readonly checks: readonly number[];
  readonly intervalSeconds: number;
  readonly concurrency: number;
  readonly concurrencyMax: number | undefined;
  readonly pollIntervalMs: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export const KEEPUP_USAGE = `usage: npm run bench -- keep-up [options]

Does a runner with its defaults keep up with N http checks at an interval? Starts, in a
child process, an HTTP target and a stub controller that schedules N checks as the real one
does (a slot per check every interval, leases ahead of due time, a late poll skips the
slots it missed), then the runner agent in a fresh process (periodic polling, as the runner
starts by default). Prints, per N, the runs the target received per second against the
N/interval due, slots skipped, runs started more than 1 s late, leases expired, and the
runner's CPU and RSS.

options:
  --checks N,N         checks scheduled, a comma-separated list (default 5000,10000)
  --interval S         every check's interval (default 20)
  --concurrency N      the runner's concurrency (default 100, VIGIL_CONCURRENCY's default)
  --concurrency-max N  the bound it may rise to when it falls behind (default 1000, VIGIL_CONCURRENCY_MAX's)
  --poll-interval MS   periodic polling's interval (default 1000, VIGIL_POLL_INTERVAL_MS's default)
  --warmup S           seconds run before measuring, not counted (default 25)
  --seconds S          seconds measured per N (default 40: whole intervals at 20 s)
  -h, --help           this text`;

function parseArgs(args: readonly string[]): { help: true } | { help: false; options: KeepUpOptions } {
  let checks: number[] = [5000, 10_000];
  let intervalSeconds = 20;
  let concurrency = 100;
  let concurrencyMax: number | undefined = 1000;
  let pollIntervalMs = 1000;
  // Two intervals measured: a window of whole intervals holds every check's slots however the offsets fall.
  const timing: Timing = { warmupSeconds: 25, seconds: 40 };
  const help = readFlags('keep-up', args, (flag, value) => {
    switch (flag) {
      case '--checks':
        checks = value()
          .split(',')
          .map((item) => wholeNumber(flag, item.trim(), 1, 200_000));
        return true;
      case '--interval':
        intervalSeconds = wholeNumber(flag, value(), 1, 3600);
        return true;
      case '--concurrency':
        concurrency = wholeNumber(flag, value(), 1, 10_000);
        return true;
      case '--concurrency-max':
        concurrencyMax = wholeNumber(flag, value(), 1, 10_000);
        return true;
      case '--poll-interval':
        pollIntervalMs = wholeNumber(flag, value(), 100, 600_000);
        return true;
      default:
        return timingFlag(timing, flag, value);
    }
  });
  if (help) return { help: true };
  if (concurrencyMax !== undefined && concurrencyMax < concurrency) throw new UsageError('--concurrency-max must be at least --concurrency');
  return { help: false, options: { checks, intervalSeconds, concurrency, concurrencyMax, pollIntervalMs, ...timing } };
}

export async function runKeepUpBenchmark(args: readonly string[]): Promise<void> {
  const options = optionsOrExit('keep-up', KEEPUP_USAGE, () => parseArgs(args));
  if (options === undefined) return;
  const root = workspaceRoot();
  const children = new Set<TsChild>();
  const stopAll = () => Promise.all([...children].map((child) => child.stop()));
  console.log(`Vigil keep-up benchmark: node ${process.version}, ${cpus().length} CPUs; interval ${options.intervalSeconds} s, concurrency ${options.concurrency}` +
    `${options.concurrencyMax === undefined ? '' : ` (max ${options.concurrencyMax})`}, periodic polling every ${options.pollIntervalMs} ms, ` +
    `${options.warmupSeconds} s warm-up then ${options.seconds} s measured`);
  console.log('checks   due/s  target/s  achieved  skipped  late>1s  mean late  expired  runner CPU  servers CPU  other CPU  RSS MB  peak in flight');
  try {
    for (const checks of options.checks) {
      const servers = startTsChild(root, 'tools/bench/src/keepup-servers.ts', [String(checks), String(options.intervalSeconds)], 'servers');
      children.add(servers);
      const urls = JSON.parse(await servers.line(READY_PREFIX, CHILD_START_MS)) as ServerUrls;
      const phase: LoadPhase = {
        mode: 'periodic',
        concurrency: options.concurrency,
        ...(options.concurrencyMax === undefined ? {} : { concurrencyMax: options.concurrencyMax }),
        urls,
        warmupSeconds: options.warmupSeconds,
        seconds: options.seconds,
        pollIntervalMs: options.pollIntervalMs,
      };
      const load = startTsChild(root, 'tools/bench/src/runner-load.ts', [JSON.stringify(phase)], `runner ${checks}`, RUNNER_HEAP_FLAG);
      children.add(load);
      // The load child's clock starts once it is bundled; its own marks frame the runner's CPU, these the schedule's.
      const resultLine = load.line(RESULT_PREFIX, CHILD_START_MS + (options.warmupSeconds + options.seconds) * 1000 + PHASE_SLACK_MS);
      await sleep(options.warmupSeconds * 1000 + 3000);
      const first = (await readStats(urls.controller)) as KeepUpStats;
      await sleep(options.seconds * 1000);
      const last = (await readStats(urls.controller)) as KeepUpStats;
      const figures = JSON.parse(await resultLine) as PhaseFigures;
      await load.stop();
      await servers.stop();
      children.clear();
      const seconds = (last.at - first.at) / 1000;
      const due = checks / options.intervalSeconds;
      const target = (last.targetRequests - first.targetRequests) / seconds;
      const late = last.startedLate - first.startedLate;
      const results = last.reported - first.reported;
      const meanLate = results > 0 ? (last.lateMsSum - first.lateMsSum) / results : 0;
      console.log(
        [
          String(checks).padStart(6),
          due.toFixed(0).padStart(7),
          target.toFixed(1).padStart(9),
          `${((target / due) * 100).toFixed(1)} %`.padStart(9),
          String(last.slotsSkipped - first.slotsSkipped).padStart(8),
          String(late).padStart(8),
          `${meanLate.toFixed(0)} ms`.padStart(10),
          String(last.leasesExpired - first.leasesExpired).padStart(8),
          `${figures.runnerCpu.toFixed(0)} %`.padStart(11),
          `${figures.serversCpu.toFixed(0)} %`.padStart(12),
          `${figures.otherCpu.toFixed(0)} %`.padStart(10),
          (figures.peakRssBytes / 2 ** 20).toFixed(0).padStart(7),
          String(figures.peakInFlight).padStart(15),
        ].join(' '),
      );
    }
  } finally {
    await stopAll();
  }
}
