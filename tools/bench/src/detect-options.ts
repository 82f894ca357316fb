import { MAX_INTERVAL_S, MIN_INTERVAL_S } from '@vigil/contracts';
import { readFlags, serviceFlag, type ServiceTarget, wholeNumber } from './args';
import { DEFAULT_SERVER_URL } from './ingest-options';

export interface DetectOptions {
  /** The PostgreSQL server; the benchmark creates (and drops) its own database on it. */
  readonly serverUrl: string;
  readonly outages: number;
  /** The check's interval_s. */
  readonly intervalS: number;
  /** The runners' VIGIL_POLL_INTERVAL_MS. */
  readonly pollMs: number;
  /** Build the apps first (`nx run-many -t build`, cached by Nx). */
  readonly build: boolean;
}

/** The check under test: 2 failing runs in a row make a location failing; 2 failing locations of 3 confirm. */
export const FAILING_THRESHOLD = 2;
export const QUORUM = 2;
export const LOCATIONS = ['us-1', 'eu-1', 'ap-1'] as const;
/** Overhead p95 beyond the floor that the issue asks for. */
export const TARGET_OVERHEAD_P95_S = 1;

export const DETECT_USAGE = `usage: npm run bench -- detect [options]

Starts Vigil as separate processes on a scratch PostgreSQL database (vigil_bench_<pid>,
dropped at the end): the controller API, the evaluator, the notifier and three runners
(${LOCATIONS.join(', ')}) created through the API, with their defaults but the poll interval.
One http check probes a loopback target every --interval seconds from the three locations
(failing_threshold ${FAILING_THRESHOLD}, ${QUORUM} failing locations of 3 confirm), and a webhook channel
points at a loopback receiver. Then, --outages times: the target starts failing for two
of the runners (a different pair each time) at a chosen instant, the bench waits for the
webhook to receive outage_confirmed, and the target recovers.

Prints p50/p95 of the detection time (failure start to webhook received) next to the
theoretical floor (failing_threshold × interval), and the overhead beyond each outage's own
floor (the time to the next slot, plus (failing_threshold - 1) × interval), with where it
went (slot to probe, probe to confirmation, confirmation to webhook), and whether the
target (overhead p95 < ${TARGET_OVERHEAD_P95_S} s) was met.

options:
  --database-url URL   PostgreSQL server (default: BENCH_DATABASE_URL, else
                       ${DEFAULT_SERVER_URL}); its database name is ignored
  --outages N          outages measured (default 20; about 2.5 intervals each)
  --interval S         the check's interval in seconds (default ${MIN_INTERVAL_S}, the least a check may have)
  --poll-ms N          the runners' VIGIL_POLL_INTERVAL_MS (default 1000, the runner's own)
  --no-build           start the apps' dist bundles as they are, without building them
  -h, --help           this text`;

type Parsed = { help: true } | { help: false; options: DetectOptions };

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseDetectArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  const target: ServiceTarget = { serverUrl: fallbackUrl ?? DEFAULT_SERVER_URL, build: true };
  let outages = 20;
  let intervalS = MIN_INTERVAL_S;
  let pollMs = 1000;
  const help = readFlags('detect', args, (flag, value) => {
    if (serviceFlag(target, flag, value)) return true;
    switch (flag) {
      case '--outages':
        outages = wholeNumber(flag, value(), 1, 1000);
        return true;
      case '--interval':
        intervalS = wholeNumber(flag, value(), MIN_INTERVAL_S, MAX_INTERVAL_S);
        return true;
      case '--poll-ms':
        pollMs = wholeNumber(flag, value(), 100, 5_000);
        return true;
      default:
        return false;
    }
  });
  if (help) return { help: true };
  return { help: false, options: { ...target, outages, intervalS, pollMs } };
}
