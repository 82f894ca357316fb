import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every entry under `root` (links not followed) that is not private: a file not 0600 or
 * a folder not 0700, as `path mode` (octal), for an assertion `toEqual([])` that names them.
 */
export function notPrivate(root: string): string[] {
  const loose: string[] = [];
  const visit = (path: string) => {
    const stats = lstatSync(path);
    const mode = stats.mode & 0o7777;
    if (stats.isDirectory()) {
      if (mode !== 0o700) loose.push(`${relative(root, path) || '.'} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (stats.isFile() && mode !== 0o600) {
      loose.push(`${relative(root, path)} ${mode.toString(8)}`);
    }
  };
  visit(root);
  return loose;
}
