import { UsageError } from './args';
import { parseScaleArgs, SCALE_USAGE } from './scale-options';

const parse = (...args: string[]) => {
  const parsed = parseScaleArgs(args, undefined);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.options;
};

describe('parseScaleArgs', () => {
  it('defaults to 1,000,000 checks, 30 days of daily rollups, 2 of hourly, 1 of raw results, a 60 s window, dropped at the end', () => {
    expect(parse()).toEqual({
      serverUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      databaseName: 'vigil_bench_scale',
      checks: 1_000_000,
      historyChecks: 5_000,
      days: 30,
      hourlyDays: 2,
      rawDays: 1,
      rawSeconds: 10,
      seconds: 60,
      warmupSeconds: 5,
      reads: 200,
      keep: false,
    });
  });

  it('reads every flag, with a value after it or after =', () => {
    expect(
      parse('--checks', '200', '--history-checks=50', '--days', '2', '--hourly-days', '1', '--raw-days=0', '--raw-seconds', '2', '--duration', '3', '--warmup', '0', '--reads', '20', '--keep'),
    ).toMatchObject({ checks: 200, historyChecks: 50, days: 2, hourlyDays: 1, rawDays: 0, rawSeconds: 2, seconds: 3, warmupSeconds: 0, reads: 20, keep: true });
    expect(parse('--database-url', 'postgresql://bench@db.example.test:5433/x').serverUrl).toBe('postgresql://bench@db.example.test:5433/x');
  });

  it('takes the server from BENCH_DATABASE_URL when no flag names one', () => {
    const parsed = parseScaleArgs([], 'postgres://bench@db.example.test/postgres');
    expect(parsed.help === false && parsed.options.serverUrl).toBe('postgres://bench@db.example.test/postgres');
  });

  it('gives history to every check when there are fewer checks than the default history', () => {
    expect(parse('--checks', '200')).toMatchObject({ checks: 200, historyChecks: 200 });
  });

  it('answers --help and -h with the usage, which names every flag', () => {
    expect(parseScaleArgs(['--checks', '10', '--help'], undefined)).toEqual({ help: true });
    expect(parseScaleArgs(['-h'], undefined)).toEqual({ help: true });
    for (const flag of ['--checks', '--history-checks', '--days', '--hourly-days', '--raw-days', '--raw-seconds', '--duration', '--warmup', '--reads', '--keep', '--database-url', '--help']) {
      expect(SCALE_USAGE).toContain(flag);
    }
  });

  it.each([
    [['--checks', '5'], '--checks needs a whole number from 10 to 10,000,000, got "5"'],
    [['--checks', '1e6'], '--checks needs a whole number from 10 to 10,000,000, got "1e6"'],
    [['--days', '0'], '--days needs a whole number from 1 to 730, got "0"'],
    [['--raw-days', '31'], '--raw-days needs a whole number from 0 to 30, got "31"'],
    [['--duration', '0'], '--duration needs a number of seconds from 1 to 3600, got "0"'],
    [['--duration'], '--duration needs a value'],
    [['--checks', '100', '--history-checks', '101'], '--history-checks (101) cannot be more than --checks (100)'],
    [['--database-url', 'mysql://db.example.test/x'], '--database-url must be a postgres:// URL (postgres://user@host:port/database)'],
    [['--fast'], 'unknown option "--fast" (see npm run bench -- scale --help)'],
  ])('refuses %j with one line', (args, message) => {
    expect(() => parseScaleArgs(args, undefined)).toThrow(new UsageError(message));
  });
});
