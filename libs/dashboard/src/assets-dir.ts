import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the dashboard's files are put beside a production bundle (see "vigil.assets" in package.json). */
export const BUNDLED_ASSETS_PATH = join('assets', 'dashboard');

/**
 * The folder holding the dashboard's index.html, or undefined. `here` is the directory of
 * the running code: libs/dashboard/src from source (Jest, run-ts), the bundle's folder in
 * production (tools/scripts/build-app.mjs copies the files next to main.js), or a temporary
 * folder inside the workspace for scripts bundled on the fly.
 */
export function findAssetsDir(here: string): string | undefined {
  const candidates = [join(here, BUNDLED_ASSETS_PATH), join(here, '..', 'public')];
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'libs', 'dashboard', 'public'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}
