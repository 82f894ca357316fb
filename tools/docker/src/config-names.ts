import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as config from '@vigil/config';
import { ROOT } from './workspace';

interface SchemaDef {
  type: string;
  shape?: Record<string, unknown>;
  in?: Schema;
  left?: Schema;
  right?: Schema;
}
interface Schema {
  _zod: { def: SchemaDef };
}

/** Every variable a schema built from `z.object`s, `envSchema` and transforms reads. */
export function variablesOf(schema: unknown): string[] {
  const def = (schema as Schema)._zod.def;
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'pipe' && def.in) return variablesOf(def.in);
  if (def.type === 'intersection' && def.left && def.right) return [...variablesOf(def.left), ...variablesOf(def.right)];
  throw new Error(`cannot list the variables of a zod ${def.type}`);
}

/**
 * The environment variables an app reads: the @vigil/config parts its src/config.ts joins
 * (apps cannot be imported from a tool, so the file is read) plus the variables it declares
 * itself. Compose files are checked against this, so a misspelt variable fails a test
 * instead of being ignored at run time.
 */
export function appVariables(app: string): Set<string> {
  const source = readFileSync(join(ROOT, 'apps', app, 'src', 'config.ts'), 'utf8');
  const names = new Set<string>();
  const exported = config as Record<string, unknown>;
  for (const [, identifier] of source.matchAll(/\b([a-z][A-Za-z]*Env)\b/g)) {
    const part = exported[identifier];
    if (part === undefined) continue;
    // Parts with options (metricsEnv) are functions; their variables do not depend on the options.
    const schema = typeof part === 'function' ? (part as () => unknown)() : part;
    for (const name of variablesOf(schema)) names.add(name);
  }
  // The app's own parts: `NAME: field()` keys of its object literals.
  for (const [, name] of source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(name);
  if (names.size === 0) throw new Error(`apps/${app}/src/config.ts names no @vigil/config part`);
  return names;
}
