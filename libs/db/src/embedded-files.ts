import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type FolderOutcome, folderWarnings, tightenFolder } from '@vigil/config';
import { DatabaseError } from './errors';

/**
 * What Vigil keeps in VIGIL_DATA_DIR. Only these are made private: the data dir may be
 * shared with other things, and Vigil changes nothing it did not create.
 */
export const DATA_DIR_ENTRY = {
  /** The embedded PostgreSQL (PGlite) cluster: a folder. */
  database: 'pglite',
  /** The admin key generated at first start. */
  adminKey: 'admin.key',
  /** The data key for secrets at rest, generated at first start (embedded default). */
  secretKey: 'secret.key',
  /** The runner's spool when VIGIL_SPOOL_DIR is unset: a folder. */
  spool: 'spool',
  /** The lock file that keeps a second process off the embedded database. */
  lock: 'vigil.lock',
} as const;

const DATA_DIR_FILES = [DATA_DIR_ENTRY.adminKey, DATA_DIR_ENTRY.secretKey, DATA_DIR_ENTRY.lock];
const DATA_DIR_TREES = [DATA_DIR_ENTRY.database, DATA_DIR_ENTRY.spool];

/** A PostgreSQL cluster has this file once initdb has run; PGlite's too. */
const CLUSTER_MARKER = 'PG_VERSION';

export interface DataDirState {
  adminKey: boolean;
  database: boolean;
}

/**
 * A data dir with an admin key but no database once had one: it was deleted, moved, or not
 * restored with the key. Starting a new empty database there would silently lose the
 * history (and the keys people hold would stop working), so it is refused. Pure.
 */
export function missingDatabaseProblem(dataDir: string, state: DataDirState): string | undefined {
  if (!state.adminKey || state.database) return undefined;
  const adminKey = join(dataDir, DATA_DIR_ENTRY.adminKey);
  const database = join(dataDir, DATA_DIR_ENTRY.database);
  return (
    `The data directory ${dataDir} holds ${DATA_DIR_ENTRY.adminKey} but no database (${database} is missing or empty): ` +
    `it was deleted, moved or not restored. Restore the database into ${database}, ` +
    `or, to start anew with an empty database, remove ${adminKey}`
  );
}

/** Whether `path` holds a PostgreSQL (PGlite) cluster: initdb has run there. */
export function hasEmbeddedCluster(path: string): boolean {
  return existsSync(join(path, CLUSTER_MARKER));
}

/** Throws DatabaseError('database_missing') for a data dir that `missingDatabaseProblem` refuses. */
export function assertDatabaseNotMissing(dataDir: string): void {
  const problem = missingDatabaseProblem(dataDir, {
    adminKey: existsSync(join(dataDir, DATA_DIR_ENTRY.adminKey)),
    database: hasEmbeddedCluster(join(dataDir, DATA_DIR_ENTRY.database)),
  });
  if (problem !== undefined) throw new DatabaseError('database_missing', problem);
}

/** Which entries of the data dir are Vigil's (see `tightenFolder`). */
export function dataDirOwns(name: string): 'entry' | 'tree' | undefined {
  if ((DATA_DIR_FILES as readonly string[]).includes(name)) return 'entry';
  if ((DATA_DIR_TREES as readonly string[]).includes(name)) return 'tree';
  return undefined;
}

export interface TightenLog {
  warn(message: string, fields?: object): void;
}

/**
 * Makes the data dir 0700 and what Vigil keeps in it private (files 0600, folders 0700),
 * and warns, naming them, about entries that were looser. Nothing else is changed: not
 * the parent, not other files in the data dir, nothing through a symbolic link, and not
 * the data dir's own mode when it is a shared folder such as /tmp. Entries that are not
 * the process's own are left as they are, with a warning: refusing to start would not
 * help. Without `log`, silent (for files Vigil has just written itself).
 */
export async function tightenDataDir(dataDir: string, log?: TightenLog): Promise<FolderOutcome> {
  const outcome = await tightenFolder(dataDir, dataDirOwns);
  if (log) for (const warning of folderWarnings(outcome, 'VIGIL_DATA_DIR')) log.warn(warning, { data_dir: outcome.folder });
  return outcome;
}
