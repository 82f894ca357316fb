import type { Client } from 'pg';
import { childrenOf, readCmdline, readProcStat, readRss } from './steady-proc';
import type { Part } from './steady-report';

/** A Node process of Vigil, by the name its part has in the report. */
export interface NodeProcess {
  readonly name: string;
  readonly pid: number;
}

/** A row of pg_stat_activity. */
export interface ActivityRow {
  readonly pid: number;
  readonly datname: string | null;
  readonly backend_type: string;
  readonly application_name: string;
}

/** The bench's own connection is named `vigil-<this>` like the services': its backend is not Vigil's. */
export const BENCH_SERVICE = 'steady-bench';
const BENCH_APPLICATION_NAME = `vigil-${BENCH_SERVICE}`;
export const POSTGRES_BACKGROUND = 'postgres (background)';

/**
 * Which part a process of the PostgreSQL server counts for, or null for none (another
 * database's backend, the bench's own). `row` is its pg_stat_activity row if it has one;
 * `cmdline` its process title ("postgres: 15/main: checkpointer").
 */
export function postgresPart(row: ActivityRow | undefined, cmdline: string, database: string): string | null {
  if (row === undefined) {
    // Not in pg_stat_activity: a client's title names its address ("… 127.0.0.1(5678) idle", "[local]").
    return /\(\d+\)|\[local\]/.test(cmdline) ? null : POSTGRES_BACKGROUND;
  }
  if (row.datname === null) return POSTGRES_BACKGROUND;
  if (row.datname !== database) return null;
  if (row.backend_type !== 'client backend') return POSTGRES_BACKGROUND;
  if (row.application_name === BENCH_APPLICATION_NAME) return null;
  const owner = /^vigil-(.+)$/.exec(row.application_name)?.[1] ?? (row.application_name || 'unnamed');
  return `postgres ← ${owner}`;
}

/** What the server's processes are, as far as the bench can see them. */
export interface PostgresView {
  readonly client: Client;
  /** The bench database: its backends are Vigil's. */
  readonly database: string;
  readonly postmasterPid: number;
}

/** The postmaster: the parent of the bench's own backend. Undefined when the server's processes are not in this /proc. */
export async function findPostmaster(client: Client): Promise<number | undefined> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return readProcStat(rows[0].pid)?.ppid;
}

/** CPU ticks by pid, with the part each pid counts for, and when. */
export interface Snapshot {
  readonly atMs: number;
  readonly ticks: ReadonlyMap<number, { readonly part: string; readonly ticks: number }>;
  /** The bench process's own CPU, in seconds. */
  readonly benchSeconds: number;
}

export async function snapshot(nodes: readonly NodeProcess[], postgres: PostgresView | undefined): Promise<Snapshot> {
  const ticks = new Map<number, { part: string; ticks: number }>();
  if (postgres !== undefined) {
    const { rows } = await postgres.client.query<ActivityRow>('SELECT pid, datname, backend_type, application_name FROM pg_stat_activity');
    const activity = new Map(rows.map((row) => [row.pid, row]));
    const postmaster = readProcStat(postgres.postmasterPid);
    if (postmaster !== undefined) ticks.set(postmaster.pid, { part: POSTGRES_BACKGROUND, ticks: postmaster.ticks });
    for (const child of childrenOf(postgres.postmasterPid)) {
      const part = postgresPart(activity.get(child.pid), readCmdline(child.pid), postgres.database);
      if (part !== null) ticks.set(child.pid, { part, ticks: child.ticks });
    }
  }
  for (const node of nodes) {
    const stat = readProcStat(node.pid);
    if (stat !== undefined) ticks.set(node.pid, { part: node.name, ticks: stat.ticks });
  }
  const own = process.cpuUsage();
  return { atMs: Date.now(), ticks, benchSeconds: (own.user + own.system) / 1e6 };
}

export interface WindowCpu {
  readonly seconds: number;
  /** CPU seconds by part, in the order the parts were first seen. */
  readonly parts: ReadonlyMap<string, number>;
  readonly benchSeconds: number;
  /** Processes gone before the last snapshot: counted up to the last one that saw them. */
  readonly exited: number;
}

/**
 * What each part used over a window, from its snapshots in time order (at least two). A process
 * absent from the first (a backend opened in the window) counts whole: all its CPU is the
 * window's; one gone before the last counts up to the last snapshot that saw it.
 */
export function cpuOver(snapshots: readonly Snapshot[], ticksPerSecond: number, order: readonly string[] = []): WindowCpu {
  const [first] = snapshots;
  const last = snapshots[snapshots.length - 1];
  const seen = new Map<number, { part: string; ticks: number }>();
  for (const snap of snapshots) for (const [pid, entry] of snap.ticks) seen.set(pid, entry);
  const parts = new Map<string, number>(order.map((name) => [name, 0]));
  let exited = 0;
  for (const [pid, latest] of seen) {
    const used = latest.ticks - (first.ticks.get(pid)?.ticks ?? 0);
    parts.set(latest.part, (parts.get(latest.part) ?? 0) + Math.max(0, used) / ticksPerSecond);
    if (!last.ticks.has(pid)) exited++;
  }
  return { seconds: (last.atMs - first.atMs) / 1000, parts, benchSeconds: last.benchSeconds - first.benchSeconds, exited };
}

/** The parts of a window, with each Node process's RSS now. */
export function partsOf(cpu: WindowCpu, nodes: readonly NodeProcess[]): Part[] {
  const rss = new Map(nodes.map((node) => [node.name, readRss(node.pid)]));
  return [...cpu.parts].map(([name, cpuSeconds]) => ({ name, cpuSeconds, rssBytes: rss.get(name) }));
}
