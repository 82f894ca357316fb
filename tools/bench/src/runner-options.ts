import { readFlags, type Timing, timingFlag, UsageError, wholeNumber } from './args';
import { LOAD_MODES, type LoadMode } from './runner-protocol';

export interface RunnerBenchOptions {
  /** Each concurrency is measured in every mode. */
  readonly concurrencies: readonly number[];
  readonly modes: readonly LoadMode[];
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly pollIntervalMs: number;
  /** Most runs per second the stub controller leases (0: as many as asked, a saturated runner). */
  readonly rate: number;
}

export const RUNNER_USAGE = `usage: npm run bench -- runner [options]

Starts an HTTP target (200, 3-byte body) and a stub controller in a child process, then
measures, each in a fresh process of its own, at every concurrency:
  bare      a bare got loop: <concurrency> loops awaiting one request after another
  drain     the runner agent (@vigil/runner-agent) in drain mode, polling the stub
            controller, probing the target with @vigil/probes, reporting back over HTTP
  periodic  the same in periodic mode (every --poll-interval ms)
Both open a fresh connection per request, as the http probe does. Prints checks per second
(agent: results the controller received), the agent's share of the bare loop's rate, peak
RSS and runs in flight, the runner's CPU per check and event-loop delay p99, and whether the targets were met (>= 2,000 checks/s end to end,
>= 80% of the bare loop, RSS < 200 MB at 1,000 in flight).

options:
  --concurrency N,N    in-flight checks, a comma-separated list (default 100,1000)
  --modes M,M          which of bare, drain, periodic to run (default all three)
  --poll-interval MS   periodic mode's interval (default 100, the least a runner takes)
  --rate N             the stub controller leases at most N runs per second, a steady load
                       rather than a saturated runner (default 0: no bound); the bare loop
                       is not bounded
  --warmup S           seconds run before measuring, not counted (default 2)
  --seconds S          seconds measured per phase (default 8)
  -h, --help           this text`;

const DEFAULTS: RunnerBenchOptions = { concurrencies: [100, 1000], modes: LOAD_MODES, warmupSeconds: 2, seconds: 8, pollIntervalMs: 100, rate: 0 };

function list(flag: string, raw: string): string[] {
  const items = raw.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`${flag} needs a comma-separated list, got "${raw}"`);
  return items;
}

/** Reads the command line (`--flag value` or `--flag=value`). */
export function parseRunnerArgs(args: readonly string[]): { help: true } | { help: false; options: RunnerBenchOptions } {
  let { concurrencies, modes, pollIntervalMs, rate } = DEFAULTS;
  const timing: Timing = { warmupSeconds: DEFAULTS.warmupSeconds, seconds: DEFAULTS.seconds };
  const help = readFlags('runner', args, (flag, value) => {
    switch (flag) {
      case '--concurrency':
        concurrencies = list(flag, value()).map((item) => wholeNumber(flag, item, 1, 10_000));
        return true;
      case '--modes':
        modes = list(flag, value()).map((item) => {
          if (!(LOAD_MODES as readonly string[]).includes(item)) throw new UsageError(`--modes takes ${LOAD_MODES.join(', ')}, got "${item}"`);
          return item as LoadMode;
        });
        return true;
      case '--poll-interval':
        pollIntervalMs = wholeNumber(flag, value(), 100, 600_000);
        return true;
      case '--rate':
        rate = wholeNumber(flag, value(), 0, 100_000);
        return true;
      default:
        return timingFlag(timing, flag, value);
    }
  });
  if (help) return { help: true };
  return { help: false, options: { concurrencies, modes, ...timing, pollIntervalMs, rate } };
}
