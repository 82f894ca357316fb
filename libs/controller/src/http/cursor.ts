import { HttpError } from '@vigil/http';

/**
 * Opaque page cursors: the position after the last row of a page (its internal id, and
 * for time-ordered lists its time), base64url JSON. Clients pass them back unchanged.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<K extends string>(cursor: string | undefined, keys: readonly K[]): Record<K, string> | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (!keys.every((key) => typeof record[key] === 'string' || typeof record[key] === 'number')) {
    throw new HttpError(400, 'invalid_cursor', 'cursor is not one this API returned; pass next_cursor back unchanged');
  }
  return Object.fromEntries(keys.map((key) => [key, String(record[key])])) as Record<K, string>;
}
