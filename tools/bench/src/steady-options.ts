import { MAX_INTERVAL_S, MIN_INTERVAL_S } from '@vigil/contracts';
import { readFlags, seconds, serviceFlag, type ServiceTarget, UsageError, wholeNumber } from './args';
import { DEFAULT_SERVER_URL } from './ingest-options';

/** How Vigil is deployed for the run: separate services on PostgreSQL, the all-in-one on PGlite, or both in turn. */
export const FORMS = ['services', 'all-in-one', 'both'] as const;
export type FormChoice = (typeof FORMS)[number];
export type Form = Exclude<FormChoice, 'both'>;
/** How the services form makes its checks: each through the management API, or one per site and the rest cloned in SQL. */
export const CREATE_PATHS = ['api', 'sql'] as const;
export type CreatePath = (typeof CREATE_PATHS)[number];

export interface SteadyOptions {
  /** The PostgreSQL server of the services form; the benchmark creates (and drops) its own database on it. */
  readonly serverUrl: string;
  readonly checks: number;
  /** Every check's interval_s. */
  readonly intervalS: number;
  readonly forms: readonly Form[];
  readonly create: CreatePath;
  readonly warmupSeconds: number;
  /** The measured window. */
  readonly windowSeconds: number;
  /** The idle floor's window (zero checks). */
  readonly idleSeconds: number;
  /** Where the Node services write --cpu-prof profiles; undefined: not profiled. */
  readonly cpuProfDir: string | undefined;
  /** Build the apps first (`nx run-many -t build`, cached by Nx). */
  readonly build: boolean;
}

export const STEADY_USAGE = `usage: npm run bench -- steady [options]

The steady-state cost of monitoring: N http checks at their interval against one loopback
target server the bench runs (127.0.0.1, a free port), probed, stored and evaluated by Vigil
with its default settings, for as long as the window lasts.

Forms (each measured on its own, one after the other):
  services    the controller API, the evaluator, the notifier and one runner (one location),
              each its own built process, on a scratch PostgreSQL database (vigil_bench_<pid>,
              created, migrated, dropped at the end); each service's connections carry an
              application_name, so PostgreSQL's backends are counted for the service they serve
  all-in-one  the all-in-one bundle on its embedded database (PGlite) in a temporary data
              directory, the checks probed by its own @controller location

For each form: an idle floor first (everything up, zero checks: CPU in cores), then the checks
are created through the management API, the bench warms up, and it samples over the window
the CPU (utime+stime from /proc/<pid>/stat) of every process, PostgreSQL's backends of the
bench database by owner and the server's background processes, RSS (VmRSS) at the end, the
probes the target received per second against N/interval, and the results stored and
evaluated in the window. Prints CPU ms per check by part and in total, next to the targets of
issue 15 (services: <= 0.75 ms per check, idle < 0.03 core; all-in-one: <= 1 ms per check,
RSS < 300 MB; both: rate >= 99.5 % of N/interval).

options:
  --checks N           http checks (default 2000); 0 measures the idle floor only and stops
  --interval S         their interval_s (default 20, from ${MIN_INTERVAL_S} to ${MAX_INTERVAL_S})
  --form F             services, all-in-one or both (default both)
  --create api|sql     how the services form makes its checks (default api): each through the
                       management API, 16 at a time; or sql, the bulk path: a site and its first
                       check through the API, the site's other 99 copied from it in one SQL
                       transaction (due at once, as the API makes them), for 10,000 checks on a
                       busy machine. The all-in-one's database is its own: always the API
  --warmup S           seconds between the last check created and the window (default 30)
  --window S           seconds measured (default 60)
  --idle S             seconds of the idle floor's window (default 60)
  --cpu-prof DIR       start the Node services with --cpu-prof --cpu-prof-dir DIR (profiles
                       written when they stop, for a flame graph)
  --database-url URL   PostgreSQL server of the services form (default: BENCH_DATABASE_URL,
                       else ${DEFAULT_SERVER_URL}); its database name is ignored
  --no-build           start the apps' dist bundles as they are, without building them
  -h, --help           this text`;

type Parsed = { help: true } | { help: false; options: SteadyOptions };

function form(raw: string): readonly Form[] {
  if (!(FORMS as readonly string[]).includes(raw)) throw new UsageError(`--form must be one of ${FORMS.join(', ')}, got "${raw}"`);
  return raw === 'both' ? ['services', 'all-in-one'] : [raw as Form];
}

/** Reads the command line (`--flag value` or `--flag=value`); `fallbackUrl` is BENCH_DATABASE_URL. */
export function parseSteadyArgs(args: readonly string[], fallbackUrl: string | undefined): Parsed {
  const target: ServiceTarget = { serverUrl: fallbackUrl ?? DEFAULT_SERVER_URL, build: true };
  let checks = 2000;
  let intervalS = 20;
  let forms: readonly Form[] = ['services', 'all-in-one'];
  let create: CreatePath = 'api';
  let warmupSeconds = 30;
  let windowSeconds = 60;
  // A minute, not less: each Node service shrinks its heap once, some 25 s after start (V8's memory
  // reducer, ~0.2 CPU s), and in a 15 s window that one-off doubled the floor when it fell inside.
  let idleSeconds = 60;
  let cpuProfDir: string | undefined;
  const help = readFlags('steady', args, (flag, value) => {
    if (serviceFlag(target, flag, value)) return true;
    switch (flag) {
      case '--checks':
        checks = wholeNumber(flag, value(), 0, 100_000);
        return true;
      case '--interval':
        intervalS = wholeNumber(flag, value(), MIN_INTERVAL_S, MAX_INTERVAL_S);
        return true;
      case '--form':
        forms = form(value());
        return true;
      case '--create': {
        const raw = value();
        if (!(CREATE_PATHS as readonly string[]).includes(raw)) throw new UsageError(`--create must be api or sql, got "${raw}"`);
        create = raw as CreatePath;
        return true;
      }
      case '--warmup':
        warmupSeconds = seconds(flag, value(), 0);
        return true;
      case '--window':
        windowSeconds = seconds(flag, value(), 5);
        return true;
      case '--idle':
        idleSeconds = seconds(flag, value(), 1);
        return true;
      case '--cpu-prof': {
        const dir = value();
        if (dir.trim() === '') throw new UsageError('--cpu-prof needs a directory');
        cpuProfDir = dir;
        return true;
      }
      default:
        return false;
    }
  });
  if (help) return { help: true };
  if (windowSeconds < intervalS) {
    throw new UsageError(`--window (${windowSeconds} s) must cover at least one --interval (${intervalS} s): every check must come due in it`);
  }
  return { help: false, options: { ...target, checks, intervalS, forms, create, warmupSeconds, windowSeconds, idleSeconds, cpuProfDir } };
}
