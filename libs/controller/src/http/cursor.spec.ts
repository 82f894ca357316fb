import { HttpError } from '@vigil/http';
import { decodeCursor, encodeCursor } from './cursor';

const shape = { at: 'date', id: 'bigint', slug: 'string', n: 'integer' } as const;

describe('page cursors', () => {
  it('give back the position they were made from, each key with its type', () => {
    const at = new Date('2026-11-23T10:00:00.123Z');
    const cursor = encodeCursor({ at, id: 9007199254740993n, slug: 'us-1', n: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual({ at, id: 9007199254740993n, slug: 'us-1', n: 42 });
  });

  it('mean the first page when there is none', () => {
    expect(decodeCursor(undefined, shape)).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'x'],
    ['a JSON scalar', Buffer.from('42').toString('base64url')],
    ['a missing key', encodeCursor({ at: new Date(), id: 1n, slug: 'a' })],
    ['a date that is not one', encodeCursor({ at: 'yesterday', id: 1n, slug: 'a', n: 1 })],
    ['an id that is not a number', encodeCursor({ at: new Date(), id: '1; drop table', slug: 'a', n: 1 })],
    ['an id beyond bigint', encodeCursor({ at: new Date(), id: '9999999999999999999', slug: 'a', n: 1 })],
    ['a negative integer', encodeCursor({ at: new Date(), id: 1n, slug: 'a', n: -1 })],
  ])('refuse %s with 400 invalid_cursor', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, shape);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_cursor' });
  });
});
