import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { embeddedAdapterFactory } from './embedded-adapter';

// A value of each type the adapter's parsers turn into Prisma's text forms, and a plain one.
const query: SqlQuery = {
  sql: `SELECT '2026-12-05 01:02:03.456+00'::timestamptz AS at, '{"a":[1,2]}'::jsonb AS doc, 9007199254740993::int8 AS big,
               ARRAY['2026-12-05 01:02:03+00'::timestamptz] AS ats, 12.5::numeric AS amount, 'x'::text AS name, 7::int4 AS n`,
  args: [],
  argTypes: [],
};

async function rowsOf(adapter: SqlDriverAdapter) {
  const outside = await adapter.queryRaw(query);
  const tx = await adapter.startTransaction();
  const inside = await tx.queryRaw(query);
  await tx.commit();
  return { outside, inside };
}

describe('the embedded adapter', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create();
  });
  afterAll(() => pglite.close());

  it('answers as pglite-prisma-adapter does, in and out of a transaction, by statements it prepares', async () => {
    const expected = await rowsOf(await new PrismaPGlite(pglite).connect());
    const queried = jest.spyOn(pglite, 'query');
    try {
      const adapter = await embeddedAdapterFactory(pglite).connect();
      expect(await rowsOf(adapter)).toEqual(expected);
      expect(await rowsOf(adapter)).toEqual(expected);
      // Its queries go by prepared statements, not PGlite's query (which would copy its parsers).
      expect(queried).not.toHaveBeenCalled();
    } finally {
      queried.mockRestore();
    }
    expect(expected.outside.rows[0]).toEqual(['2026-12-05T01:02:03.456+00:00', '{"a": [1, 2]}', '9007199254740993', ['2026-12-05T01:02:03+00:00'], '12.5', 'x', 7]);
  });
});
