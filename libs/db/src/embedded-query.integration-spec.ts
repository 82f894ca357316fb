import { PGlite } from '@electric-sql/pglite';
import { MAX_PREPARED_STATEMENTS, preparedQueries } from './embedded-query';

describe('prepared queries on PGlite', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create();
    await pglite.exec(`CREATE TABLE items (id int PRIMARY KEY, name text, at timestamptz, doc jsonb, blob bytea, ok boolean)`);
  });
  afterAll(() => pglite.close());
  beforeEach(() => pglite.exec('TRUNCATE items'));

  const insert = `INSERT INTO items (id, name, at, doc, blob, ok) VALUES ($1, $2, $3, $4, $5, $6)`;
  const select = `SELECT id, name, at, doc, blob, ok FROM items WHERE id = $1`;
  const row = [1, 'one', new Date('2026-12-05T01:02:03.456Z'), { a: [1, 2] }, new Uint8Array([0, 255]), true];

  it("answers as PGlite's query does, in and out of a transaction", async () => {
    const prepared = preparedQueries(pglite);
    const inserted = await prepared.query(insert, row);
    expect(inserted.affectedRows).toBe(1);
    for (const rowMode of [undefined, 'array'] as const) {
      const expected = await pglite.query(select, [1], { rowMode });
      expect(await prepared.query(select, [1], { rowMode })).toEqual(expected);
      expect(await pglite.transaction((tx) => prepared.inTransaction(tx)(select, [1], { rowMode }))).toEqual(expected);
    }
    expect((await prepared.query(select, [1])).rows).toEqual([{ id: 1, name: 'one', at: row[2], doc: row[3], blob: row[4], ok: true }]);
    expect(await prepared.query(`UPDATE items SET name = $1 WHERE id = $2`, [null, 1])).toMatchObject({ affectedRows: 1 });
  });

  it('sends a text it knows to the backend in one round trip, with PostgreSQL parsing it once', async () => {
    const prepared = preparedQueries(pglite);
    await prepared.query(select, [1]);
    const sent = jest.spyOn(pglite, 'execProtocolStream');
    try {
      await prepared.query(select, [2]);
      expect(sent).toHaveBeenCalledTimes(1);
    } finally {
      sent.mockRestore();
    }
  });

  it("fails as PGlite's query does, and the statement serves again after", async () => {
    const prepared = preparedQueries(pglite);
    await prepared.query(insert, row);
    const failure = await prepared.query(insert, row).catch((error: unknown) => error);
    const expected = await pglite.query(insert, row).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ code: '23505', message: (expected as Error).message });
    await expect(prepared.query(insert, [2, ...row.slice(1)])).resolves.toMatchObject({ affectedRows: 1 });
  });

  it('prepares a statement again once the backend dropped it', async () => {
    const prepared = preparedQueries(pglite);
    await prepared.query(insert, row);
    expect((await prepared.query(select, [1])).rows).toHaveLength(1);
    await pglite.exec('DEALLOCATE ALL');
    expect((await prepared.query(select, [1])).rows).toHaveLength(1);
    await pglite.exec('DEALLOCATE ALL');
    expect((await prepared.query(select, [1])).rows).toHaveLength(1);
  });

  it('keeps at most MAX_PREPARED_STATEMENTS prepared, closing the least recently used', async () => {
    await pglite.exec('DEALLOCATE ALL');
    const prepared = preparedQueries(pglite);
    for (let i = 0; i < MAX_PREPARED_STATEMENTS + 5; i++) await prepared.query(`SELECT ${i} AS n`);
    const { rows } = await pglite.query<{ count: number }>('SELECT count(*)::int AS count FROM pg_prepared_statements');
    expect(prepared.size).toBe(MAX_PREPARED_STATEMENTS);
    expect(rows).toEqual([{ count: MAX_PREPARED_STATEMENTS }]);
    // The most recent are the ones kept.
    expect((await prepared.query(`SELECT ${MAX_PREPARED_STATEMENTS + 4} AS n`)).rows).toEqual([{ n: MAX_PREPARED_STATEMENTS + 4 }]);
    expect(prepared.size).toBe(MAX_PREPARED_STATEMENTS);
  });
});
