import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What the bench reads of /proc/<pid>/stat. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, in clock ticks. */
  readonly ticks: number;
}

/**
 * Parses a /proc/<pid>/stat line. The command name (field 2) is in parentheses and may hold
 * spaces and parentheses itself, so the fields are counted from the last `)`.
 */
export function parseProcStat(stat: string): ProcStat {
  const close = stat.lastIndexOf(')');
  if (close === -1) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  // After ") ": state(3) ppid(4) … utime(14) stime(15), so ppid is [1], utime [11], stime [12].
  const fields = stat.slice(close + 2).trim().split(' ');
  const pid = Number.parseInt(stat, 10);
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(ticks)) throw new Error(`not a /proc/<pid>/stat line: ${stat.slice(0, 80)}`);
  return { pid, ppid, ticks };
}

/** VmRSS of a /proc/<pid>/status, in bytes; NaN when absent (a kernel thread, a zombie). */
export function parseVmRss(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

/** Clock ticks per second of utime and stime (USER_HZ), from `getconf CLK_TCK`. */
export function clockTicksPerSecond(): number {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(ticks) || ticks <= 0) throw new Error(`getconf CLK_TCK answered "${ticks}"`);
  return ticks;
}

/** The stat of `pid`; undefined once it has exited. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** VmRSS of `pid` in bytes; NaN once it has exited. */
export function readRss(pid: number): number {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** The stat of every process whose parent is `ppid` (PostgreSQL's postmaster's children). */
export function childrenOf(ppid: number): ProcStat[] {
  const children: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== undefined && stat.ppid === ppid) children.push(stat);
  }
  return children;
}

/** Its command line as `ps` shows it: PostgreSQL's processes set theirs to what they are ("postgres: 15/main: checkpointer"). */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}
