import { HttpError } from '@vigil/http';

/**
 * Opaque page cursors: the position after the last row of a page (the keys the list is
 * ordered by), base64url JSON. Clients pass them back unchanged; anything else is a 400.
 */
export function encodeCursor(position: Record<string, string | number | bigint | Date>): string {
  const plain = Object.fromEntries(
    Object.entries(position).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : String(value)]),
  );
  return Buffer.from(JSON.stringify(plain), 'utf8').toString('base64url');
}

type CursorKind = 'string' | 'integer' | 'bigint' | 'date';
type CursorValue<K extends CursorKind> = K extends 'integer' ? number : K extends 'bigint' ? bigint : K extends 'date' ? Date : string;
export type CursorPosition<Shape extends Record<string, CursorKind>> = { [Key in keyof Shape]: CursorValue<Shape[Key]> };

const MAX_BIGINT = 2n ** 63n - 1n;

export function invalidCursor(): HttpError {
  return new HttpError(400, 'invalid_cursor', 'cursor is not one this API returned; pass next_cursor back unchanged');
}

function decodeValue(kind: CursorKind, value: unknown): string | number | bigint | Date {
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidCursor();
  const text = String(value);
  switch (kind) {
    case 'string':
      return text;
    case 'integer': {
      if (!/^\d{1,15}$/.test(text)) throw invalidCursor();
      return Number(text);
    }
    case 'bigint': {
      if (!/^\d{1,19}$/.test(text) || BigInt(text) > MAX_BIGINT) throw invalidCursor();
      return BigInt(text);
    }
    case 'date': {
      const date = new Date(text);
      if (Number.isNaN(date.getTime())) throw invalidCursor();
      return date;
    }
  }
}

/** The position a cursor names, each key decoded as `shape` says; undefined for no cursor (the first page). */
export function decodeCursor<const Shape extends Record<string, CursorKind>>(
  cursor: string | undefined,
  shape: Shape,
): CursorPosition<Shape> | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof value !== 'object' || value === null) throw invalidCursor();
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(shape).map(([key, kind]) => [key, decodeValue(kind, record[key])])) as CursorPosition<Shape>;
}

/**
 * A page of a list read with `take: limit + 1`: the first `limit` rows, and the cursor after the
 * last of them when the extra row shows there is more (else null).
 */
export function pageOf<Row>(
  rows: readonly Row[],
  limit: number,
  positionOf: (last: Row) => Record<string, string | number | bigint | Date>,
): { page: Row[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next_cursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
