import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU time used so far, in seconds, by who. Read from /proc (Linux). */
interface CpuSnapshot {
  readonly at: number;
  readonly controller: number;
  readonly postgres: number;
  readonly bench: number;
  /** Every CPU's busy time, whoever used it. */
  readonly busy: number;
}

export interface CpuShares {
  /** Percent of one core, averaged over the interval. */
  readonly controller: number;
  readonly postgres: number;
  readonly bench: number;
  /** Whatever else ran on the machine meanwhile (other jobs, the kernel). */
  readonly other: number;
  readonly cores: number;
}

// utime and stime, in clock ticks; USER_HZ is 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;

function processSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function busySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

function snapshot(controllerPid: number): CpuSnapshot {
  let controller = 0;
  let postgres = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const pid = Number(entry);
    if (pid === controllerPid) controller = processSeconds(stat);
    else if (stat.includes(' (postgres) ')) postgres += processSeconds(stat);
  }
  const own = process.cpuUsage();
  return { at: performance.now(), controller, postgres, bench: (own.user + own.system) / 1e6, busy: busySeconds() };
}

/**
 * Measures who used the CPUs between `start()` and `stop()`: the controller, PostgreSQL (every
 * backend), this process (the simulated runners) and everything else. Null where /proc is missing.
 * PostgreSQL backends that exit in between lose their time: the controller's pool keeps them open.
 */
export function cpuMeter(controllerPid: number): { start(): void; stop(): CpuShares | null } {
  let first: CpuSnapshot | null = null;
  const take = (): CpuSnapshot | null => {
    try {
      return snapshot(controllerPid);
    } catch {
      return null;
    }
  };
  return {
    start() {
      first = take();
    },
    stop() {
      const last = take();
      if (first === null || last === null) return null;
      const seconds = (last.at - first.at) / 1000;
      const share = (used: number) => Math.max(0, (used / seconds) * 100);
      const controller = share(last.controller - first.controller);
      const postgres = share(last.postgres - first.postgres);
      const bench = share(last.bench - first.bench);
      const other = Math.max(0, share(last.busy - first.busy) - controller - postgres - bench);
      return { controller, postgres, bench, other, cores: cpus().length };
    },
  };
}
