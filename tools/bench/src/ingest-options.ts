import { MAX_POLL_LIMIT, MAX_REPORT_BATCH } from '@vigil/contracts';

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

/** A command line the benchmark cannot run with; its message is one line for the user. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Parsed = { help: true } | { help: false; options: IngestOptions };

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${flag} needs a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${raw}"`);
  }
  return value;
}

function seconds(flag: string, raw: string, min: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > 3600) {
    throw new UsageError(`${flag} needs a number of seconds from ${min} to 3600, got "${raw}"`);
  }
  return value;
}

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseIngestArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  let serverUrl = fallbackUrl ?? DEFAULT_SERVER_URL;
  let { checks, runners, concurrency, batch, warmupSeconds, seconds: measured, build } = DEFAULTS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--no-build') {
      build = false;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--database-url': {
        serverUrl = value();
        if (!/^postgres(ql)?:\/\//i.test(serverUrl) || !URL.canParse(serverUrl)) {
          throw new UsageError('--database-url must be a postgres:// URL (postgres://user@host:port/database)');
        }
        break;
      }
      case '--checks':
        checks = integer(flag, value(), 1, 10_000_000);
        break;
      case '--runners':
        runners = integer(flag, value(), 1, 50);
        break;
      case '--concurrency':
        concurrency = integer(flag, value(), 1, 64);
        break;
      case '--batch':
        batch = integer(flag, value(), 1, Math.min(MAX_POLL_LIMIT, MAX_REPORT_BATCH));
        break;
      case '--warmup':
        warmupSeconds = seconds(flag, value(), 0);
        break;
      case '--seconds':
        measured = seconds(flag, value(), 1);
        break;
      default:
        throw new UsageError(`unknown option "${arg}" (see npm run bench -- ingest --help)`);
    }
  }
  return { help: false, options: { serverUrl, checks, runners, concurrency, batch, warmupSeconds, seconds: measured, build } };
}
