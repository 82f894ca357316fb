/** A command line the benchmark cannot run with; its message is one line for the user. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`${flag} needs a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${raw}"`);
  }
  return value;
}

export function seconds(flag: string, raw: string, min: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > 3600) {
    throw new UsageError(`${flag} needs a number of seconds from ${min} to 3600, got "${raw}"`);
  }
  return value;
}

/** A PostgreSQL server's URL: postgres:// or postgresql://. */
export function postgresUrl(flag: string, raw: string): string {
  if (!/^postgres(ql)?:\/\//i.test(raw) || !URL.canParse(raw)) {
    throw new UsageError(`${flag} must be a postgres:// URL (postgres://user@host:port/database)`);
  }
  return raw;
}

/** How long a benchmark warms up, then measures, in seconds. */
export interface Timing {
  warmupSeconds: number;
  seconds: number;
}

/** Reads `--warmup S` (0 or more) or `--seconds S` (1 or more) into `timing`; false for any other flag. */
export function timingFlag(timing: Timing, flag: string, value: () => string): boolean {
  if (flag === '--warmup') timing.warmupSeconds = seconds(flag, value(), 0);
  else if (flag === '--seconds') timing.seconds = seconds(flag, value(), 1);
  else return false;
  return true;
}

/**
 * Walks a benchmark's command line (`--flag value` or `--flag=value`): `handle` takes each
 * flag, calling `value()` only for flags that have one, and answers false for a flag it
 * does not know. Returns 'help' at -h or --help.
 */
export function readFlags(
  bench: string,
  args: readonly string[],
  handle: (flag: string, value: () => string) => boolean,
): 'help' | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (!handle(flag, value)) throw new UsageError(`unknown option "${arg}" (see npm run bench -- ${bench} --help)`);
  }
  return undefined;
}

/**
 * Parses a benchmark's command line: a usage error is one line on stderr and exit code 2;
 * `--help` prints the usage and gives undefined (nothing to run).
 */
export function optionsOrExit<O>(bench: string, usage: string, parse: () => { help: true } | { help: false; options: O }): O | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${bench}: ${error.message}`);
    return process.exit(2);
  }
  if (!parsed.help) return parsed.options;
  console.log(usage);
  return undefined;
}

/** Where a bench of built services runs them: its PostgreSQL server, and whether it builds the apps first. */
export interface ServiceTarget {
  serverUrl: string;
  build: boolean;
}

/** `--no-build` and `--database-url`, which every bench of built services takes; false for any other flag. */
export function serviceFlag(target: ServiceTarget, flag: string, value: () => string): boolean {
  if (flag === '--no-build') target.build = false;
  else if (flag === '--database-url') target.serverUrl = postgresUrl(flag, value());
  else return false;
  return true;
}
