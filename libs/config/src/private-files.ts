import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, type FileHandle, lstat, open, readdir, realpath, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

/**
 * Files Vigil writes hold secrets (admin.key, secret.key, the database, spooled results):
 * no one but the user running it may read them. Group and other bits are never kept.
 */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Every app calls this first, before it creates any file: whatever a library creates
 * (PGlite's folders, the spool, a key file) starts private, whatever umask the shell had.
 * Returns the umask it replaced.
 */
export function usePrivateUmask(): number {
  return process.umask(PRIVATE_UMASK);
}

export type PrivateEntryKind = 'file' | 'dir';

/** A file or folder as found (lstat: a symbolic link is never one of these). */
export interface FoundEntry {
  path: string;
  kind: PrivateEntryKind;
  /** The permission bits (mode & 0o7777). */
  mode: number;
}

/** A change of mode that makes an entry private. */
export interface Tightening {
  path: string;
  kind: PrivateEntryKind;
  from: number;
  to: number;
}

/**
 * What to change so that only the owner can use each entry: group and other bits (and
 * setuid/setgid/sticky) are removed; the owner's own bits are kept, so nothing is loosened.
 */
export function planTightening(entries: readonly FoundEntry[]): Tightening[] {
  return entries.flatMap((entry) => {
    const to = entry.mode & 0o700;
    return to === entry.mode ? [] : [{ path: entry.path, kind: entry.kind, from: entry.mode, to }];
  });
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** One warning line naming what was looser (the first few, relative to `root`), for an operator. */
export function describeTightenings(tightenings: readonly Tightening[], root: string, shown = 5): string {
  const named = tightenings.slice(0, shown).map((t) => `${relative(root, t.path) || '.'} (${octal(t.from)} -> ${octal(t.to)})`);
  const more = tightenings.length > shown ? ` and ${tightenings.length - shown} more` : '';
  return `made ${tightenings.length} file(s)/folder(s) in ${root} private that other users could read or enter: ${named.join(', ')}${more}`;
}

export interface FindOptions {
  /** Go into folders (never through a symbolic link). Default true; false: the entry at `path` only. */
  recursive?: boolean;
}

/**
 * The entry at `path` and, for a folder, what is beneath it. Symbolic links and anything
 * that is neither a file nor a folder are left out, so a walk never leaves `path`.
 * A path that does not exist gives nothing.
 */
export async function findEntries(path: string, options: FindOptions = {}): Promise<FoundEntry[]> {
  const found: FoundEntry[] = [];
  const visit = async (current: string): Promise<void> => {
    let stats;
    try {
      stats = await lstat(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const kind: PrivateEntryKind | undefined = stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : undefined;
    if (kind === undefined) return;
    found.push({ path: current, kind, mode: stats.mode & 0o7777 });
    if (kind === 'dir' && options.recursive !== false) {
      for (const name of await readdir(current)) await visit(join(current, name));
    }
  };
  await visit(path);
  return found;
}

/** An entry that could not be made private (not the process's own: EPERM), with the reason. */
export interface TighteningFailure {
  path: string;
  code: string;
}

export interface TighteningOutcome {
  done: Tightening[];
  failed: TighteningFailure[];
}

/**
 * Applies `planTightening` to the entries found. An entry that changed in between (gone,
 * or replaced by a link) is skipped: chmod would follow a link out. One that is not the
 * process's own cannot be changed: it is reported in `failed`, for a warning, since
 * refusing to start would not make it private either. Other errors are thrown.
 */
export async function applyTightening(tightenings: readonly Tightening[]): Promise<TighteningOutcome> {
  const outcome: TighteningOutcome = { done: [], failed: [] };
  for (const tightening of tightenings) {
    try {
      if (await chmodNoFollow(tightening.path)) outcome.done.push(tightening);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'EPERM' || code === 'EACCES' || code === 'EROFS') outcome.failed.push({ path: tightening.path, code });
      else throw error;
    }
  }
  return outcome;
}

/**
 * Takes group and other bits off the file or folder at `path`, through a descriptor opened
 * with O_NOFOLLOW, so that an entry swapped for a link since it was found is not followed.
 * False when it is no longer a file or a folder (a link, a FIFO…): left alone.
 */
async function chmodNoFollow(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO put there in between must not wait for a writer.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return false;
    // A file its owner may not read (0200, say) cannot be opened: lstat then chmod, links still skipped.
    if (code !== 'EACCES') throw error;
    const stats = await lstat(path);
    if (!(stats.isFile() || stats.isDirectory())) return false;
    await chmod(path, stats.mode & 0o700);
    return true;
  }
  try {
    const stats = await handle.stat();
    if (!(stats.isFile() || stats.isDirectory())) return false;
    await handle.chmod(stats.mode & 0o700);
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * Why `path` is a folder others use too, so that making it 0700 would lock them out
 * (/tmp and the like: the sticky bit; the root; the home or temporary folder), or
 * undefined. Vigil then changes only its own entries inside it. Pure.
 */
export function sharedFolderReason(path: string, mode: number, shared: { home: string; tmp: string } = { home: homedir(), tmp: tmpdir() }): string | undefined {
  if ((mode & 0o1000) !== 0) return 'it has the sticky bit, like /tmp';
  if (path === '/' || path === dirname(path)) return 'it is the root folder';
  if (path === resolve(shared.home)) return 'it is the home folder';
  if (path === resolve(shared.tmp)) return 'it is the temporary folder';
  return undefined;
}

/** A link in a sticky folder (/tmp/vigil -> …) may be anyone's: what it points to keeps its mode. */
async function linkInSharedFolder(folder: string): Promise<string | undefined> {
  if (!(await lstat(folder)).isSymbolicLink()) return undefined;
  const parent = await lstat(dirname(resolve(folder)));
  return (parent.mode & 0o1000) !== 0 ? 'it is a link in a folder with the sticky bit, like /tmp' : undefined;
}

/** Which of a folder's entries are the caller's: 'entry' (that one only), 'tree' (a folder and all beneath it), undefined (left alone). */
export type Owns = (name: string) => 'entry' | 'tree' | undefined;

export interface FolderOutcome extends TighteningOutcome {
  /** The folder itself (its real path, links resolved: the operator named it). */
  folder: string;
  /** Set when the folder itself was left as it was: see `sharedFolderReason`. */
  shared?: string;
}

/**
 * Makes `folder` (0700) and the entries in it that `owns` names private; nothing else:
 * not its parent, not its other entries, nothing through a symbolic link. A folder that
 * is not there gives an empty outcome.
 */
export async function tightenFolder(folder: string, owns: Owns): Promise<FolderOutcome> {
  let root: string;
  try {
    root = await realpath(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folder, done: [], failed: [] };
    throw error;
  }
  const [self] = await findEntries(root, { recursive: false });
  if (self?.kind !== 'dir') return { folder: root, done: [], failed: [] };
  const shared = sharedFolderReason(root, self.mode) ?? (await linkInSharedFolder(folder));
  const found: FoundEntry[] = shared === undefined ? [self] : [];
  for (const name of (await readdir(root)).sort()) {
    const owned = owns(name);
    if (owned === undefined) continue;
    const entries = await findEntries(join(root, name), { recursive: owned === 'tree' });
    // A file where the caller expects its folder is not the caller's.
    if (owned === 'tree' && entries[0]?.kind !== 'dir') continue;
    found.push(...entries);
  }
  return { folder: root, ...(shared === undefined ? {} : { shared }), ...(await applyTightening(planTightening(found))) };
}

/** One warning line for entries that stay readable by others, for an operator. */
export function describeFailures(failures: readonly TighteningFailure[], root: string, shown = 5): string {
  const named = failures.slice(0, shown).map((f) => `${relative(root, f.path) || '.'} (${f.code})`);
  const more = failures.length > shown ? ` and ${failures.length - shown} more` : '';
  return `could not make ${failures.length} file(s)/folder(s) in ${root} private, other users may read them; chown them to this user: ${named.join(', ')}${more}`;
}

/**
 * Writes `content` to `path` as a private file (0600), whole or not at all: into a new
 * temporary file beside it, then renamed over. An existing file (even a 0644 one, or a
 * link) is replaced, never written through, so its old mode does not carry over.
 */
export async function writePrivateFile(path: string, content: string | Buffer): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', PRIVATE_FILE_MODE);
  try {
    try {
      await handle.writeFile(content);
      // The umask can only take bits away; this makes it 0600 whatever it is.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * The warnings an operator should see after `tightenFolder`: what was looser (now private),
 * what could not be changed, and a shared folder left as it was. `setting` names the
 * variable that chose the folder. Pure.
 */
export function folderWarnings(outcome: FolderOutcome, setting: string): string[] {
  const warnings: string[] = [];
  if (outcome.shared !== undefined) {
    warnings.push(`${setting} ${outcome.folder} is a shared folder (${outcome.shared}): its mode is left as it is and only Vigil's own files in it are made private; give Vigil a folder of its own`);
  }
  if (outcome.done.length > 0) warnings.push(describeTightenings(outcome.done, outcome.folder));
  if (outcome.failed.length > 0) warnings.push(describeFailures(outcome.failed, outcome.folder));
  return warnings;
}
