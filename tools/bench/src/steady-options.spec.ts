import { UsageError } from './args';
import { parseSteadyArgs } from './steady-options';

const parse = (...args: string[]) => {
  const parsed = parseSteadyArgs(args, undefined);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.options;
};

describe('parseSteadyArgs', () => {
  it('defaults to 2,000 checks at 20 s, both forms, a 30 s warm-up and a 60 s window', () => {
    expect(parse()).toMatchObject({
      checks: 2000,
      intervalS: 20,
      forms: ['services', 'all-in-one'],
      create: 'api',
      warmupSeconds: 30,
      windowSeconds: 60,
      idleSeconds: 60,
      cpuProfDir: undefined,
      build: true,
      serverUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
  });

  it('reads every flag, with a value after it or after =', () => {
    expect(parse('--checks', '10000', '--interval=30', '--form', 'services', '--warmup', '0', '--window', '90', '--idle', '5', '--cpu-prof', 'prof', '--no-build')).toMatchObject({
      checks: 10_000,
      intervalS: 30,
      forms: ['services'],
      warmupSeconds: 0,
      windowSeconds: 90,
      idleSeconds: 5,
      cpuProfDir: 'prof',
      build: false,
    });
    expect(parse('--form', 'all-in-one').forms).toEqual(['all-in-one']);
    expect(parse('--create', 'sql').create).toBe('sql');
    expect(parse('--form', 'both').forms).toEqual(['services', 'all-in-one']);
  });

  it('takes BENCH_DATABASE_URL as the server unless --database-url names one', () => {
    const fallback = parseSteadyArgs([], 'postgres://bench@db:5432/x');
    expect(fallback.help === false && fallback.options.serverUrl).toBe('postgres://bench@db:5432/x');
    expect(parse('--database-url', 'postgres://me@127.0.0.1:5433/y').serverUrl).toBe('postgres://me@127.0.0.1:5433/y');
  });

  it('takes --checks 0 as the idle floor alone', () => {
    expect(parse('--checks', '0', '--form', 'services')).toMatchObject({ checks: 0, forms: ['services'] });
  });

  it('answers help at -h or --help, whatever else is there', () => {
    expect(parseSteadyArgs(['--checks', '5', '--help'], undefined)).toEqual({ help: true });
    expect(parseSteadyArgs(['-h'], undefined)).toEqual({ help: true });
  });

  it.each([
    [['--checks', '-1'], /--checks needs a whole number from 0 to 100,000, got "-1"/],
    [['--checks', '2.5'], /--checks needs a whole number/],
    [['--interval', '5'], /--interval needs a whole number from 10/],
    [['--form', 'kuma'], /--form must be one of services, all-in-one, both, got "kuma"/],
    [['--window', '3'], /--window needs a number of seconds from 5 to 3600/],
    [['--warmup', '-1'], /--warmup needs a number of seconds from 0/],
    [['--window', '30', '--interval', '60'], /--window \(30 s\) must cover at least one --interval \(60 s\)/],
    [['--create', 'csv'], /--create must be api or sql, got "csv"/],
    [['--cpu-prof', ''], /--cpu-prof needs a directory/],
    [['--checks'], /--checks needs a value/],
    [['--seconds', '5'], /unknown option "--seconds"/],
    [['--database-url', 'mysql://x'], /must be a postgres:\/\/ URL/],
  ])('refuses %j with a one-line reason', (args, message) => {
    expect(() => parseSteadyArgs(args, undefined)).toThrow(UsageError);
    expect(() => parseSteadyArgs(args, undefined)).toThrow(message);
  });
});
