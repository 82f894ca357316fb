import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

// utime and stime, in clock ticks; USER_HZ is 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null; // exited, or no /proc
  }
}

export interface ProcessCpu {
  /** CPU seconds of the measured process over the interval. */
  readonly service: number;
  /** CPU seconds of its PostgreSQL backends (those that lived through the interval). */
  readonly backends: number;
}

/**
 * The CPU time of one service and of its own PostgreSQL backends, apart from every other
 * PostgreSQL process on the machine (other databases, other jobs): its backends are the
 * connections to the scratch database other than the bench's own, read from pg_stat_activity.
 */
export function serviceCpuMeter(client: Client, pid: number): { start(): Promise<void>; stop(): Promise<ProcessCpu | null> } {
  let first: { service: number; backends: Map<number, number> } | null = null;
  const backendPids = async (): Promise<number[]> => {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return rows.map((row) => row.pid);
  };
  const take = async () => {
    const service = cpuSecondsOf(pid);
    if (service === null) return null;
    const backends = new Map<number, number>();
    for (const backend of await backendPids()) {
      const seconds = cpuSecondsOf(backend);
      if (seconds !== null) backends.set(backend, seconds);
    }
    return { service, backends };
  };
  return {
    async start() {
      first = await take();
    },
    async stop() {
      const last = await take();
      if (first === null || last === null) return null;
      let backends = 0;
      for (const [backend, seconds] of last.backends) backends += seconds - (first.backends.get(backend) ?? 0);
      return { service: last.service - first.service, backends };
    },
  };
}
