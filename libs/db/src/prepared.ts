import { createHash } from 'node:crypto';

/**
 * Put first in a raw statement that runs on a hot path to have it prepared once per pooled
 * connection (a named statement) instead of parsed, and planned, on every call. Only for SQL
 * whose text is fixed (values are parameters): each distinct text stays prepared in every
 * connection of the pool for the connection's life.
 */
export const PREPARED = '/* vigil:prepared */';

const names = new Map<string, string>();

/**
 * The statement name for `sql` (from a digest of its text, so a changed statement gets a new
 * name), or undefined, for an unnamed statement, when it does not start with PREPARED.
 */
export function preparedStatementName(sql: string): string | undefined {
  if (!sql.startsWith(PREPARED)) return undefined;
  let name = names.get(sql);
  if (name === undefined) {
    name = `vigil_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}
