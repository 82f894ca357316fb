import { readFlags, seconds, serviceFlag, type ServiceTarget, type Timing, timingFlag, UsageError, wholeNumber } from './args';
import { DEFAULT_SERVER_URL } from './ingest-options';

export interface EvaluateOptions {
  /** The PostgreSQL server; the benchmark creates (and drops) its own database on it. */
  readonly serverUrl: string;
  readonly checks: number;
  /** Results in the backlog the evaluator drains (rounded up to whole rounds of every location). */
  readonly backlog: number;
  /** Rounds (every location once) per check in the backlog: fewer spreads it over more checks. */
  readonly rounds: number;
  /** Results per second the feeder inserts while latency is measured. */
  readonly rate: number;
  /** How often the feeder stores a batch (and notifies): smaller is more, smaller wake-ups, as reports come. */
  readonly tickMs: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** How long the backlog may take to drain before the run is cut short. */
  readonly drainTimeoutSeconds: number;
  /** Build the evaluator first (`nx run @vigil/evaluator:build`, cached by Nx). */
  readonly build: boolean;
}

export const EVALUATE_USAGE = `usage: npm run bench -- evaluate [options]

Seeds a scratch PostgreSQL database (vigil_bench_<pid>, dropped at the end) with sites,
http checks, one location state per check and runner, and notification channels, starts
the built evaluator (dist/apps/evaluator/main.js) against it in a child process, then:
  1. throughput: stores a backlog of results at once (as ingest does: one INSERT, one
     NOTIFY), some of them failures that open, confirm and close events, and measures
     how fast the evaluator drains it: results evaluated per second;
  2. latency: a feeder stores results at a steady rate (a batch every 100 ms, NOTIFY
     included) and each result's received_at is compared with the time its evaluation
     took it off the queue, in the transaction that commits it: p50/p99 from report to commit.
Prints the figures and whether the targets (>= 5,000 results/s, p99 < 100 ms at
1,000 results/s) were met.

options:
  --database-url URL   PostgreSQL server (default: BENCH_DATABASE_URL, else
                       ${DEFAULT_SERVER_URL}); its database name is ignored
  --checks N           http checks to seed, 100 per site, 3 locations each (default 100000)
  --backlog N          results in the throughput backlog (default 50000)
  --rounds N           rounds of every location per check in the backlog (default 2: a
                       failing check is confirmed down within it); 1 spreads it over more checks
  --rate N             results per second fed while latency is measured (default 1000)
  --tick-ms N          the feeder stores a batch, with its NOTIFY, this often (default 100;
                       smaller: more, smaller wake-ups, as runners' reports come)
  --warmup S           seconds of feed before latency is measured, not counted (default 3)
  --seconds S          seconds of feed measured (default 20)
  --drain-timeout S    longest wait for the backlog to drain (default 600)
  --no-build           start dist/apps/evaluator/main.js as it is, without building it
  -h, --help           this text`;

const DEFAULTS: Omit<EvaluateOptions, 'serverUrl'> = {
  checks: 100_000,
  backlog: 50_000,
  rounds: 2,
  rate: 1_000,
  tickMs: 100,
  warmupSeconds: 3,
  seconds: 20,
  drainTimeoutSeconds: 600,
  build: true,
};

type Parsed = { help: true } | { help: false; options: EvaluateOptions };

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseEvaluateArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  const target: ServiceTarget = { serverUrl: fallbackUrl ?? DEFAULT_SERVER_URL, build: DEFAULTS.build };
  let { checks, backlog, rounds, rate, tickMs, drainTimeoutSeconds } = DEFAULTS;
  const timing: Timing = { warmupSeconds: DEFAULTS.warmupSeconds, seconds: DEFAULTS.seconds };
  const help = readFlags('evaluate', args, (flag, value) => {
    if (serviceFlag(target, flag, value)) return true;
    switch (flag) {
      case '--checks':
        checks = wholeNumber(flag, value(), 10, 10_000_000);
        return true;
      case '--backlog':
        backlog = wholeNumber(flag, value(), 3, 5_000_000);
        return true;
      case '--rounds':
        rounds = wholeNumber(flag, value(), 1, 100);
        return true;
      case '--rate':
        rate = wholeNumber(flag, value(), 10, 100_000);
        return true;
      case '--tick-ms':
        tickMs = wholeNumber(flag, value(), 1, 10_000);
        return true;
      case '--drain-timeout':
        drainTimeoutSeconds = seconds(flag, value(), 1);
        return true;
      default:
        return timingFlag(timing, flag, value);
    }
  });
  if (help) return { help: true };
  const options = { ...target, checks, backlog, rounds, rate, tickMs, ...timing, drainTimeoutSeconds };
  if (Math.ceil(backlog / (3 * rounds)) >= checks) {
    throw new UsageError(`a backlog of ${backlog} results in ${rounds} round(s) needs more than ${checks} checks: the feed needs checks of its own`);
  }
  return { help: false, options };
}
