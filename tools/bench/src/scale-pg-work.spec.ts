import { formatPgWork, lsnBytes, type PgWorkSnapshot } from './scale-pg-work';

const snapshot = (walLsn: string, locationStates: { upd: number; hot: number }, ms: number): PgWorkSnapshot => ({
  walLsn,
  walFpi: ms,
  tables: new Map([
    ['location_states', { ins: 0, upd: locationStates.upd, hot: locationStates.hot, del: 0, indexes: 4 }],
    ['check_results', { ins: 100, upd: 0, hot: 0, del: 0, indexes: 4 }],
  ]),
  statements: new Map([['1', { calls: 10, ms, buffers: ms * 10, query: 'UPDATE location_states\n  SET x = 1' }]]),
});

describe('formatPgWork', () => {
  it('reads a WAL position as its byte offset, high word included', () => {
    expect(lsnBytes('0/10')).toBe(16n);
    expect(lsnBytes('1/0')).toBe(4_294_967_296n);
  });

  it('gives WAL bytes, row versions and the index entries of non-HOT versions per result, and statement time', () => {
    const before = snapshot('0/1000', { upd: 0, hot: 0 }, 5);
    const after = snapshot('0/1FA0', { upd: 200, hot: 100 }, 25);
    const lines = formatPgWork(before, after, 100);
    expect(lines).toContain('  WAL 40 bytes per result (0.20 full-page images: a checkpoint in the window adds them)');
    // 200 versions, 100 of them HOT: 100 × 4 indexes. check_results did nothing in between: left out.
    expect(lines).toContain('  row versions 2.00, index entries 4.00 per result:');
    expect(lines).toContain('    location_states: ins 0.00, upd 2.00 (hot 1.00), del 0.00, index entries 4.00 (4 indexes)');
    expect(lines.some((line) => line.startsWith('    check_results'))).toBe(false);
    expect(lines).toContain('  statements: 0.200 ms of execution per result; the largest:');
    // 200 buffers more over 100 results.
    expect(lines.at(-1)).toMatch(/^ {4}0\.200 ms\/result +2\.0 buffers\/result +0 calls {2}UPDATE location_states SET x = 1$/);
  });

  it('says nothing without results', () => {
    expect(formatPgWork(snapshot('0/0', { upd: 0, hot: 0 }, 0), snapshot('0/10', { upd: 1, hot: 0 }, 1), 0)).toEqual([]);
  });
});
