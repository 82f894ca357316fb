import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from '@vigil/config';
import { errorCode } from './write-failures';

/** In the spool directory, beside the segments. */
export const LOCK_FILE = 'runner.lock';

/** Who holds a spool directory, as its lock file says. */
export interface LockHolder {
  pid: number;
  slug: string;
  hostname: string;
  /** When the holder took the lock (ISO 8601), for people. */
  since: string;
  /** The holder's start time in clock ticks since boot (Linux /proc), so a reused pid is told apart. */
  start_ticks?: number;
  /** The kernel's boot id (Linux): pids of an earlier boot mean nothing. */
  boot_id?: string;
}

/** Another runner, alive or not known to be dead, holds the spool directory. */
export class SpoolLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    readonly file: string,
  ) {
    const local = holder.hostname === os.hostname();
    super(
      `the spool directory ${dir} is in use by runner ${holder.slug} (pid ${holder.pid} on ${local ? 'this host' : `host ${holder.hostname}`}, since ${holder.since}): ` +
        'each runner needs a spool directory of its own (leave VIGIL_SPOOL_DIR unset for one per slug in VIGIL_DATA_DIR, or set another)' +
        (local ? '' : `; if that runner is gone, delete ${file}`),
    );
    this.name = 'SpoolLockedError';
  }
}

export interface SpoolLock {
  readonly file: string;
  /** Deletes the lock file if it is still this process's; safe to call twice. */
  release(): Promise<void>;
}

/** What the lock needs to know of the machine; real by default, replaced in tests. */
export interface ProcessProbe {
  pid: number;
  hostname(): string;
  /** Whether a process with this pid exists (of any user). */
  exists(pid: number): boolean;
  startTicks(pid: number): number | undefined;
  bootId(): string | undefined;
}

export const systemProbe: ProcessProbe = {
  pid: process.pid,
  hostname: () => os.hostname(),
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, as another user's.
      return errorCode(error) === 'EPERM';
    }
  },
  startTicks(pid) {
    const stat = readOptional(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields?.[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  },
  bootId: () => readOptional('/proc/sys/kernel/random/boot_id')?.trim() || undefined,
};

/**
 * Whether the holder may still be running. A lock of another host cannot be checked and
 * counts as alive; on this host it is dead when its pid is gone, is this process's own (a
 * container restarted with the same pid), or now belongs to a process started at another
 * time or in another boot (the pid was reused).
 */
export function holderAlive(holder: LockHolder, probe: ProcessProbe): boolean {
  if (holder.hostname !== probe.hostname()) return true;
  if (holder.boot_id !== undefined && probe.bootId() !== undefined && holder.boot_id !== probe.bootId()) return false;
  if (holder.pid === probe.pid || !probe.exists(holder.pid)) return false;
  const ticks = holder.start_ticks === undefined ? undefined : probe.startTicks(holder.pid);
  return ticks === undefined || ticks === holder.start_ticks;
}

/**
 * Takes `dir` for this runner: `runner.lock` is created whole (written aside, then linked
 * into place, which fails if it exists) so no one reads a half-written lock. A lock whose
 * holder is dead is taken over; a live one is refused with a SpoolLockedError. The lock is
 * released by `release()`, and on the process's exit if that was not called.
 */
export async function lockSpoolDir(options: { dir: string; slug: string; probe?: ProcessProbe }): Promise<SpoolLock> {
  const { dir, slug, probe = systemProbe } = options;
  const file = path.join(dir, LOCK_FILE);
  const holder: LockHolder = {
    pid: probe.pid,
    slug,
    hostname: probe.hostname(),
    since: new Date().toISOString(),
    start_ticks: probe.startTicks(probe.pid),
    boot_id: probe.bootId(),
  };
  const content = `${JSON.stringify(holder)}\n`;
  // Not `.tmp`: the spool deletes those when it opens, and a runner refused here must not lose its file.
  const aside = `${file}.${probe.pid}.new`;
  await writeFile(aside, content, { mode: PRIVATE_FILE_MODE });
  try {
    // Bounded: each round either takes the lock, refuses, or removes one dead holder's lock.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        await link(aside, file);
        return ownLock(file, content);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const found = await readFile(file, 'utf8').catch((error: unknown) => (errorCode(error) === 'ENOENT' ? undefined : Promise.reject(error)));
      if (found === undefined) continue;
      const other = parseHolder(found);
      if (other && holderAlive(other, probe)) throw new SpoolLockedError(dir, other, file);
      await removeIfUnchanged(file, found, `${file}.${probe.pid}.stale`);
    }
    throw new Error(`could not take the lock ${file}: other runners keep taking it`);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/**
 * Removes the dead holder's lock unless another runner replaced it meanwhile: moved aside
 * first (atomic), then checked, and put back if it is not the one judged dead.
 */
async function removeIfUnchanged(file: string, judged: string, aside: string): Promise<void> {
  try {
    await rename(file, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved === judged) await unlink(aside);
  else await link(aside, file).finally(() => unlink(aside).catch(() => undefined));
}

function ownLock(file: string, content: string): SpoolLock {
  let held = true;
  const releaseSync = () => {
    if (!held) return;
    held = false;
    try {
      if (readOptional(file) === content) unlinkSync(file);
    } catch {
      // Left behind, it is taken over at the next start: its holder is dead by then.
    }
  };
  // On process.exit() or the end of the event loop; a crash or SIGKILL leaves the lock to be taken over.
  process.once('exit', releaseSync);
  return {
    file,
    async release() {
      process.off('exit', releaseSync);
      releaseSync();
    },
  };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof value?.pid !== 'number' || typeof value.hostname !== 'string') return undefined;
    return { since: 'an unknown time', slug: 'unknown', ...value } as LockHolder;
  } catch {
    // Never written by a runner (locks are linked into place whole): nobody holds it.
    return undefined;
  }
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
