import { execFile } from 'node:child_process';
import { DatabaseError } from './errors';

// Runs in the child: PGlite creates the cluster when it finds none (initdb), then closes it.
const INIT_SCRIPT = `require(process.argv[1]).PGlite.create(process.argv[2]).then((pg) => pg.close())`;

/**
 * Creates the embedded cluster at `path` (PGlite's initdb) in a short-lived child process.
 * In this one, PGlite's initdb runs a second WebAssembly instance and buffers the new cluster:
 * some 500 MB at the peak, of which the allocator kept ~130 MB resident for the life of the
 * process after it was freed (a fresh data dir started at 390 MB, a reopened one at 240 MB).
 * The child's memory goes with it; this process then opens the cluster as it opens any.
 */
export function createEmbeddedCluster(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', INIT_SCRIPT, require.resolve('@electric-sql/pglite'), path], (error, _stdout, stderr) => {
      if (error === null) return resolve();
      const detail = stderr.trim().split('\n').slice(-3).join(' ') || error.message;
      reject(new DatabaseError('data_dir_unusable', `The embedded database in ${path} could not be created: ${detail}`, { cause: error }));
    });
  });
}
