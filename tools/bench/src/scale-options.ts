import { postgresUrl, readFlags, seconds, type Timing, timingFlag, UsageError, wholeNumber } from './args';
import { DEFAULT_SERVER_URL } from './ingest-options';

/** The interval the seeded checks and their history have: 1M checks at 5 minutes is 10,000 results/s. */
export const SCALE_INTERVAL_S = 300;

export interface ScaleOptions {
  /** The PostgreSQL server; the benchmark creates (and drops, unless `keep`) its own database on it. */
  readonly serverUrl: string;
  /** The scratch database's name. */
  readonly databaseName: string;
  /** Checks seeded, 3 locations each (the live tables: sites, endpoints, checks, location_states). */
  readonly checks: number;
  /** Checks 1..historyChecks carry history; the others are as new. */
  readonly historyChecks: number;
  /** Days of daily rollups before today. */
  readonly days: number;
  /** Days of hourly rollups before the current hour. */
  readonly hourlyDays: number;
  /** Days of raw results (evaluated, every 5 minutes) before now. */
  readonly rawDays: number;
  /** Seconds the raw batched INSERT is measured. */
  readonly rawSeconds: number;
  /** Seconds of ingest + evaluation + rollup measured (after the warm-up). */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Requests of each read timed (after the load, and during it). */
  readonly reads: number;
  /** Leave the database in place at the end. */
  readonly keep: boolean;
}

export const SCALE_USAGE = `usage: npm run bench -- scale [options]

Seeds a PostgreSQL database (vigil_bench_scale, dropped at the end unless --keep) with N http
checks × 3 locations at a 5-minute interval and their history: daily rollups (check_rollups_daily)
for --days, hourly rollups for --hourly-days and raw, evaluated results for --raw-days, the
history for the first --history-checks checks. Then, with the controller API and the evaluator
in this process on that database (the all-in-one's arrangement, on PostgreSQL):
  1. raw: a batched INSERT (100 rows a statement, 3 connections) of result rows like the
     load's into check_results, for --raw-seconds: the floor the end-to-end rate is put beside;
  2. load: simulated runners poll and report as fast as the machine takes it (3 runners, 100
     results a report), the evaluator evaluates and rolls them up; the retention phase runs
     once in the middle. Results stored, evaluated and rolled up within the window per second;
  3. reads: the dashboard's check list and site list, a check's daily and hourly rollups and
     the status page, timed over HTTP during the load and after it: p50/p99.
Prints the seeded sizes, bytes per result (raw, rolled up, and retained: see the README) and
whether the targets (end to end >= 40 % of the raw insert rate, every read p99 < 100 ms,
< 150 bytes per result once rolled up and retained) were met.

options:
  --database-url URL   PostgreSQL server (default: BENCH_DATABASE_URL, else
                       ${DEFAULT_SERVER_URL}); its database name is ignored
  --checks N           checks to seed, 100 per site, 3 locations each (default 1000000)
  --history-checks N   checks with history, the first ones (default 5000; at most --checks)
  --days N             days of daily rollups (default 30)
  --hourly-days N      days of hourly rollups (default 2)
  --raw-days N         days of raw results (default 1; 0 for none)
  --raw-seconds S      seconds the raw batched INSERT is measured (default 10)
  --duration S         seconds of load measured (default 60)
  --warmup S           seconds of load before measuring, not counted (default 5)
  --reads N            requests of each read timed, after the load and during it (default 200)
  --keep               leave the database in place (it is dropped at the start of the next run)
  -h, --help           this text`;

const DEFAULTS: Omit<ScaleOptions, 'serverUrl'> = {
  databaseName: 'vigil_bench_scale',
  checks: 1_000_000,
  historyChecks: 5_000,
  days: 30,
  hourlyDays: 2,
  rawDays: 1,
  rawSeconds: 10,
  seconds: 60,
  warmupSeconds: 5,
  reads: 200,
  keep: false,
};

type Parsed = { help: true } | { help: false; options: ScaleOptions };

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseScaleArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  let serverUrl = fallbackUrl ?? DEFAULT_SERVER_URL;
  let { checks, historyChecks, days, hourlyDays, rawDays, rawSeconds, reads, keep } = DEFAULTS;
  let historyGiven = false;
  const timing: Timing = { warmupSeconds: DEFAULTS.warmupSeconds, seconds: DEFAULTS.seconds };
  const help = readFlags('scale', args, (flag, value) => {
    switch (flag) {
      case '--database-url':
        serverUrl = postgresUrl(flag, value());
        return true;
      case '--checks':
        checks = wholeNumber(flag, value(), 10, 10_000_000);
        return true;
      case '--history-checks':
        historyChecks = wholeNumber(flag, value(), 1, 10_000_000);
        historyGiven = true;
        return true;
      case '--days':
        days = wholeNumber(flag, value(), 1, 730);
        return true;
      case '--hourly-days':
        hourlyDays = wholeNumber(flag, value(), 0, 90);
        return true;
      case '--raw-days':
        rawDays = wholeNumber(flag, value(), 0, 30);
        return true;
      case '--raw-seconds':
        rawSeconds = seconds(flag, value(), 1);
        return true;
      case '--duration':
        timing.seconds = seconds(flag, value(), 1);
        return true;
      case '--reads':
        reads = wholeNumber(flag, value(), 10, 100_000);
        return true;
      case '--keep':
        keep = true;
        return true;
      case '--warmup':
        return timingFlag(timing, flag, value);
      default:
        return false;
    }
  });
  if (help) return { help: true };
  if (historyChecks > checks) {
    if (historyGiven) throw new UsageError(`--history-checks (${historyChecks}) cannot be more than --checks (${checks})`);
    historyChecks = checks;
  }
  return {
    help: false,
    options: { serverUrl, databaseName: DEFAULTS.databaseName, checks, historyChecks, days, hourlyDays, rawDays, rawSeconds, reads, keep, ...timing },
  };
}
