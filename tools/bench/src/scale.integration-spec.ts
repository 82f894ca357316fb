import { connectPostgres } from '@vigil/db';
import { testDatabaseUrl } from '@vigil/db/testing';
import { Cleanup } from './cleanup';
import { scaleBenchmark } from './scale';
import type { ScaleOptions } from './scale-options';
import { formatScaleReport, type ScaleFigures } from './scale-report';

// The benchmark is for PostgreSQL: it runs where a server is configured.
const serverUrl = testDatabaseUrl() ?? '';
const onPostgres = serverUrl ? describe : describe.skip;

onPostgres('the scale benchmark at a tiny size', () => {
  jest.setTimeout(180_000);

  const databaseName = `vigil_bench_scale_spec_${process.pid}`;
  const exists = async (): Promise<boolean> => {
    const client = await connectPostgres(serverUrl);
    try {
      return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName])).rowCount === 1;
    } finally {
      await client.end();
    }
  };

  it('seeds, loads, reads, reports the figures and drops its database', async () => {
    const options: ScaleOptions = {
      serverUrl,
      databaseName,
      // Enough runs (3 × 3,000) that the load outlasts its 1 s warm-up even on a fast, idle machine.
      checks: 3000,
      historyChecks: 20,
      days: 3,
      hourlyDays: 1,
      rawDays: 1,
      rawSeconds: 1,
      seconds: 4,
      warmupSeconds: 1,
      reads: 10,
      keep: false,
    };
    const cleanup = new Cleanup();
    const said: string[] = [];
    let figures: ScaleFigures | undefined;
    try {
      figures = await scaleBenchmark(options, cleanup, (line) => said.push(line));
      expect(await exists()).toBe(true);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${said.join('\n')}`);
    } finally {
      await cleanup.run();
    }
    expect(await exists()).toBe(false);
    if (figures === undefined) throw new Error('no figures');

    // 20 checks × 3 locations: 3 days of daily rollups, 24 hours of hourly ones, a day of raw results every 5 minutes,
    // in the partitions of the 30 days retention keeps, today's, the 3 made ahead and the DEFAULT one.
    expect(
      said.filter((line) => line.startsWith("seeded 60 series' history: 180 daily rollups, 1,440 hourly rollups, 17,280 raw results (check_results in 35 partitions) in ")),
    ).toHaveLength(1);
    expect(figures.raw.rows).toBeGreaterThan(0);
    // The load went through the controller and the evaluator: stored, evaluated and rolled up.
    expect(figures.load.stored).toBeGreaterThan(0);
    expect(figures.load.evaluated).toBeGreaterThan(0);
    expect(figures.load.endToEnd).toBe(Math.min(figures.load.stored, figures.load.evaluated));
    // One pass of the real retention job ran: nothing seeded is older than its defaults.
    expect(figures.retention).toEqual({ available: true, seconds: expect.any(Number), removed: '0 partitions and 0 rows' });
    // The raw insert's rows were deleted: what is left is the seeded day and the load.
    expect(figures.sizes.results.rows).toBeGreaterThanOrEqual(17_280 + figures.load.stored);
    expect(figures.sizes.results.rows).toBeLessThan(17_280 + 3000 * 3 + 1);
    // The rollups account for the seeded results and the evaluated ones of the load: hourly at
    // once, daily once their hour is folded (an hour boundary during the run), so only the seeded
    // days are sure to be in check_rollups_daily.
    expect(figures.sizes.daily.results).toBeGreaterThanOrEqual(60 * 3 * 288);
    expect(figures.sizes.hourly.results).toBeGreaterThanOrEqual(60 * 24 * 12 + figures.load.evaluated);
    expect(figures.sizes.database).toBeGreaterThan(figures.sizes.results.bytes);
    // Every read answered 200, after the load and during it.
    expect(figures.reads.map((r) => [r.name, r.ms.length, r.failures])).toEqual([
      ['site list (GET /api/v1/sites, 100)', 10, 0],
      ["a site's checks (GET /api/v1/checks?site_id, 100)", 10, 0],
      ["a check's rollups by day, 30 d", 10, 0],
      ["a check's rollups by hour, 24 h", 10, 0],
      ['status page (GET /status/:slug)', 10, 0],
    ]);
    expect(figures.readsUnderLoad.every((r) => r.failures === 0 && r.ms.length === 10)).toBe(true);
    const report = formatScaleReport(figures).join('\n');
    expect(report).toContain('targets:');
    expect(report).toContain('bytes per result once rolled up and retained');
  });
});
