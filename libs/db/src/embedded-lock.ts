import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from './errors';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    // Created private (0700); one that exists is made private by tightenDataDir.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new DatabaseError(
      'data_dir_unusable',
      `The data directory ${dataDir} cannot be used (${code}); set VIGIL_DATA_DIR to a writable folder`,
      { cause: error },
    );
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder
 * would corrupt it. A lock file holding the owner's pid makes that a clear
 * error instead; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  prepareDataDir(dataDir);
  const path = join(dataDir, 'vigil.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        prepareDataDir(dataDir);
        throw error;
      }
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseError(
          'locked',
          `The embedded database in ${dataDir} is in use by process ${owner}; PGlite serves one process, so stop that one or set DATABASE_URL to use PostgreSQL`,
        );
      }
      if (owner === process.pid) {
        throw new DatabaseError('locked', `The embedded database in ${dataDir} is already open in this process`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new DatabaseError('locked', `Could not take the lock on ${path}`);
}
