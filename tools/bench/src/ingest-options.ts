import { MAX_POLL_LIMIT, MAX_REPORT_BATCH } from '@vigil/contracts';
import { readFlags, serviceFlag, type ServiceTarget, type Timing, timingFlag, wholeNumber } from './args';

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface IngestOptions {
  /** The PostgreSQL server; the benchmark creates (and drops) its own database on it. */
  readonly serverUrl: string;
  readonly checks: number;
  readonly runners: number;
  /** In-flight poll→report loops per runner. */
  readonly concurrency: number;
  /** Runs per poll, hence results per report. */
  readonly batch: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Build the controller first (`nx run @vigil/controller-api:build`, cached by Nx). */
  readonly build: boolean;
}

export const INGEST_USAGE = `usage: npm run bench -- ingest [options]

Seeds a scratch PostgreSQL database (vigil_bench_<pid>, dropped at the end) with sites,
http checks and one location state per check and runner, starts the controller API on
127.0.0.1 against it in a child process, and drives it with simulated runners: each loop
polls GET /api/runner/checks?limit=<batch>, reports every leased run in one
POST /api/runner/report, and repeats. Prints accepted results per second and poll/report
latencies, and whether the targets (>= 5,000 results/s, poll p99 < 50 ms) were met.

options:
  --database-url URL   PostgreSQL server (default: BENCH_DATABASE_URL, else
                       ${DEFAULT_SERVER_URL}); its database name is ignored
  --checks N           http checks to seed, 100 per site (default 100000)
  --runners N          simulated runners, each a location of every check (default 3)
  --concurrency N      in-flight poll→report loops per runner (default 1, as a runner in drain mode
                       polls; 2 or more shows the throughput ceiling, with latency spent queueing for CPU)
  --batch N            runs per poll and results per report (default 100, at most ${Math.min(MAX_POLL_LIMIT, MAX_REPORT_BATCH)})
  --warmup S           seconds of load before measuring, not counted (default 3)
  --seconds S          seconds measured (default 20)
  --no-build           start dist/apps/controller-api/main.js as it is, without building it
  -h, --help           this text`;

const DEFAULTS: Omit<IngestOptions, 'serverUrl'> = {
  checks: 100_000,
  runners: 3,
  concurrency: 1,
  batch: 100,
  warmupSeconds: 3,
  seconds: 20,
  build: true,
};

type Parsed = { help: true } | { help: false; options: IngestOptions };

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseIngestArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  const target: ServiceTarget = { serverUrl: fallbackUrl ?? DEFAULT_SERVER_URL, build: DEFAULTS.build };
  let { checks, runners, concurrency, batch } = DEFAULTS;
  const timing: Timing = { warmupSeconds: DEFAULTS.warmupSeconds, seconds: DEFAULTS.seconds };
  const help = readFlags('ingest', args, (flag, value) => {
    if (serviceFlag(target, flag, value)) return true;
    switch (flag) {
      case '--checks':
        checks = wholeNumber(flag, value(), 1, 10_000_000);
        return true;
      case '--runners':
        runners = wholeNumber(flag, value(), 1, 50);
        return true;
      case '--concurrency':
        concurrency = wholeNumber(flag, value(), 1, 64);
        return true;
      case '--batch':
        batch = wholeNumber(flag, value(), 1, Math.min(MAX_POLL_LIMIT, MAX_REPORT_BATCH));
        return true;
      default:
        return timingFlag(timing, flag, value);
    }
  });
  if (help) return { help: true };
  return { help: false, options: { ...target, checks, runners, concurrency, batch, ...timing } };
}
