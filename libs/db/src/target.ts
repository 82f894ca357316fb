import { resolve } from 'node:path';
import { DatabaseError } from './errors';

export type DatabaseTarget =
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'embedded'; dataDir: null } // in memory: tests and diffs
  | { kind: 'postgres'; url: string };

/** `DATABASE_URL` unset → embedded PGlite in `dataDir/pglite`; `postgres://…` → PostgreSQL; anything else is refused. */
export function resolveDatabaseTarget(databaseUrl: string | undefined, dataDir: string): DatabaseTarget {
  if (databaseUrl === undefined || databaseUrl.trim() === '') {
    return { kind: 'embedded', dataDir: resolve(dataDir) };
  }
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new DatabaseError('invalid_url', 'DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseError(
      'invalid_url',
      `DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//); unset it to use the embedded database`,
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new DatabaseError('invalid_url', 'DATABASE_URL names no host (expected postgres://user@host:port/database)');
  }
  return { kind: 'postgres', url: databaseUrl };
}

/** The URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'postgres') return `PostgreSQL at ${redactUrl(target.url)}`;
  return target.dataDir ? `embedded PGlite in ${target.dataDir}` : 'embedded PGlite in memory';
}
