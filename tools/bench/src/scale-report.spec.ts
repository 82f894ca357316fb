import { bytes, bytesPerResult, formatScaleReport, retainedBytesPerResult, type ScaleFigures } from './scale-report';

const fast = (name: string, ms: number) => ({ name, ms: Array.from({ length: 100 }, (_, i) => ms + i / 100), failures: 0 });

const figures: ScaleFigures = {
  checks: 1_000_000,
  intervalS: 300,
  raw: { rows: 100_000, seconds: 10 },
  load: { seconds: 60, stored: 300_000, evaluated: 290_000, endToEnd: 270_000, pendingAtEnd: 1_200, cpu: { controller: 0, postgres: 95.4, bench: 60.2, other: 40.6, cores: 2 } },
  retention: { available: false, why: 'not in this tree yet' },
  sizes: {
    database: 5 * 1024 ** 3,
    // 200 bytes a raw result; hourly rollups of 12 results in 720 bytes (60 a result); daily of 288 in 720 (2.5).
    results: { table: 'check_results', bytes: 200_000_000, rows: 1_000_000, results: 1_000_000 },
    hourly: { table: 'check_rollups_hourly', bytes: 72_000_000, rows: 100_000, results: 1_200_000 },
    daily: { table: 'check_rollups_daily', bytes: 72_000_000, rows: 100_000, results: 28_800_000 },
  },
  reads: [fast('site list', 5), fast('status page', 20)],
  readsUnderLoad: [fast('site list', 50)],
};

describe('bytes per result', () => {
  it('is a table’s bytes over the results its rows account for', () => {
    expect(bytesPerResult(figures.sizes.hourly)).toBe(60);
    expect(bytesPerResult(figures.sizes.daily)).toBe(2.5);
    expect(bytesPerResult({ table: 'x', bytes: 8192, rows: 0, results: 0 })).toBeNaN();
  });

  it('once retained, is the steady-state bytes over the results of the longest window', () => {
    // The job's defaults: (200 × 30 + 60 × 90 + 2.5 × 730) / 730 = 8.22 + 7.40 + 2.5
    expect(retainedBytesPerResult(figures.sizes)).toBeCloseTo((200 * 30 + 60 * 90) / 730 + 2.5, 6);
    // Raw rows kept as long as the rollups: every byte of each counts.
    expect(retainedBytesPerResult(figures.sizes, { rawDays: 730, hourlyDays: 730, dailyDays: 730 })).toBeCloseTo(262.5, 6);
    // Hourly rollups kept 7 days of a year's daily ones.
    expect(retainedBytesPerResult(figures.sizes, { rawDays: 0, hourlyDays: 7, dailyDays: 365 })).toBeCloseTo((60 * 7) / 365 + 2.5, 6);
  });

  it('prints sizes in powers of 1024', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(bytes(Number.NaN)).toBe('-');
  });
});

describe('formatScaleReport', () => {
  it('prints the rates beside the raw insert, the sizes, the reads and every target met', () => {
    const text = formatScaleReport(figures).join('\n');
    expect(text).toContain('the load of 1,000,000 checks × 3 locations every 5 min is 10,000 results/s');
    expect(text).toMatch(/raw batched INSERT into check_results \(no evaluation\)\s+100,000\s+10,000/);
    expect(text).toMatch(/end to end \(the lesser: the pipeline's sustained rate\)\s+270,000\s+4,500/);
    expect(text).toContain('end to end is 45.0 % of the raw insert rate and 45.0 % of the 10,000/s load; 1,200 stored results were not evaluated yet');
    expect(text).toContain('CPU in the window (100% = one core, 2 cores): this process (runners, controller, evaluator) 60%, PostgreSQL (every database on the server) 95%, other processes 41%');
    expect(text).toContain('retention: not available (not in this tree yet); the figures above do not include its cost');
    expect(text).toMatch(/check_rollups_hourly\s+100,000\s+1,200,000\s+68\.7 MB\s+720\.0\s+60\.0/);
    expect(text).toContain('a day of results at that load (864,000,000 results): 160.9 GB raw, 48.3 GB of hourly and 2.0 GB of daily rollups');
    expect(text).toContain('= 18.1 bytes per result');
    expect(text).toMatch(/status page\s+100\s+20\.5\s+21\.0\s+0/);
    expect(text).toContain('reads during the load');
    expect(text).toMatch(/end to end >= 40 % of the raw insert rate\s+45\.0 %\s+met/);
    expect(text).toMatch(/every read p99 < 100 ms\s+21\.0 ms\s+met/);
    expect(text).toMatch(/< 150 bytes per result once rolled up and retained\s+18\.1\s+met/);
    expect(text).not.toContain('missed:');
  });

  it('says plainly which target was missed and by how much', () => {
    const slow = formatScaleReport({
      ...figures,
      load: { ...figures.load, endToEnd: 120_000 },
      reads: [fast('site list', 5), { ...fast('status page', 150), failures: 1, firstFailure: '500 boom' }],
      sizes: { ...figures.sizes, hourly: { ...figures.sizes.hourly, bytes: 1_500_000_000 } },
    }).join('\n');
    expect(slow).toMatch(/end to end >= 40 % of the raw insert rate\s+20\.0 %\s+NOT met/);
    expect(slow).toContain('missed: end to end 2,000 results/s is 20.0 % of the raw insert\'s 10,000/s; the target is at least 40 %');
    expect(slow).toContain('missed: the slowest read, status page, has p99 151.0 ms');
    expect(slow).toContain('status page: first response other than 200: 500 boom');
    expect(slow).toMatch(/missed: 1\d\d\.\d bytes per result once rolled up and retained; the target is under 150/);
  });

  it('reports a retention pass when there is one', () => {
    const text = formatScaleReport({ ...figures, retention: { available: true, seconds: 1.25, removed: '3 partitions' } }).join('\n');
    expect(text).toContain('retention: one pass during the load took 1.3 s and removed 3 partitions');
  });
});
