import type { RetentionReport } from '@vigil/db';
import { removedText } from './scale-retention';

const table = (partitions: number, rows: number): RetentionReport['tables'][number] => ({
  table: 'check_results',
  cutoff: new Date(0),
  rows,
  statements: 0,
  partitionsDropped: Array.from({ length: partitions }, (_, i) => `check_results_p2026010${i + 1}`),
  partitionsHeld: [],
});
const report = (outcome: RetentionReport['outcome'], tables: RetentionReport['tables']): RetentionReport => ({
  dryRun: false,
  outcome,
  partitioned: true,
  partitionsCreated: [],
  tables,
  durationMs: 10,
});

describe("the scale bench's retention phase", () => {
  it('says how many partitions and rows a pass removed, summed over the tables', () => {
    expect(removedText(report('done', [table(3, 1200), table(0, 34)]))).toBe('3 partitions and 1,234 rows');
    expect(removedText(report('done', [table(1, 0)]))).toBe('1 partition and 0 rows');
  });

  it('says when another instance held the lock', () => {
    expect(removedText(report('locked', []))).toBe('nothing (another instance held the lock)');
  });
});
