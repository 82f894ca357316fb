import { type ActivityRow, cpuOver, POSTGRES_BACKGROUND, postgresPart, type Snapshot } from './steady-sample';

const row = (datname: string | null, backend_type: string, application_name = ''): ActivityRow => ({ pid: 1, datname, backend_type, application_name });

describe('postgresPart', () => {
  const db = 'vigil_bench_1';

  it("counts a backend of the bench database for the service its application_name names", () => {
    expect(postgresPart(row(db, 'client backend', 'vigil-controller'), '', db)).toBe('postgres ← controller');
    expect(postgresPart(row(db, 'client backend', 'vigil-evaluator'), '', db)).toBe('postgres ← evaluator');
    expect(postgresPart(row(db, 'client backend', 'psql'), '', db)).toBe('postgres ← psql');
    expect(postgresPart(row(db, 'client backend', ''), '', db)).toBe('postgres ← unnamed');
  });

  it("leaves out the bench's own backend and other databases' backends", () => {
    expect(postgresPart(row(db, 'client backend', 'vigil-steady-bench'), '', db)).toBeNull();
    expect(postgresPart(row('vigil_test_other', 'client backend', 'vigil-controller'), '', db)).toBeNull();
    expect(postgresPart(row('vigil_test_other', 'autovacuum worker'), '', db)).toBeNull();
  });

  it("counts the server's own processes and the bench database's autovacuum as background", () => {
    expect(postgresPart(row(null, 'checkpointer'), '', db)).toBe(POSTGRES_BACKGROUND);
    expect(postgresPart(row(null, 'walwriter'), '', db)).toBe(POSTGRES_BACKGROUND);
    expect(postgresPart(row(db, 'autovacuum worker'), '', db)).toBe(POSTGRES_BACKGROUND);
  });

  it('tells a process missing from pg_stat_activity by its title: a client names its address', () => {
    expect(postgresPart(undefined, 'postgres: 15/main: logger', db)).toBe(POSTGRES_BACKGROUND);
    expect(postgresPart(undefined, 'postgres: 15/main: postgres vigil_test 127.0.0.1(53126) idle', db)).toBeNull();
    expect(postgresPart(undefined, 'postgres: 15/main: postgres vigil_test [local] idle', db)).toBeNull();
  });
});

const snap = (atMs: number, entries: Array<[number, string, number]>, benchSeconds = 0): Snapshot => ({
  atMs,
  ticks: new Map(entries.map(([pid, part, ticks]) => [pid, { part, ticks }])),
  benchSeconds,
});

describe('cpuOver', () => {
  it('sums each part’s ticks used between the first and the last snapshot, in seconds', () => {
    const cpu = cpuOver(
      [
        snap(0, [
          [1, 'controller', 1000],
          [2, 'postgres ← controller', 500],
          [3, 'postgres ← controller', 100],
        ], 1),
        snap(10_000, [
          [1, 'controller', 1250],
          [2, 'postgres ← controller', 600],
          [3, 'postgres ← controller', 150],
        ], 1.5),
      ],
      100,
    );
    expect(cpu.seconds).toBe(10);
    expect(Object.fromEntries(cpu.parts)).toEqual({ controller: 2.5, 'postgres ← controller': 1.5 });
    expect(cpu.benchSeconds).toBe(0.5);
    expect(cpu.exited).toBe(0);
  });

  it('counts a process new in the window whole, and one gone up to the last snapshot that saw it', () => {
    const cpu = cpuOver(
      [
        snap(0, [[2, 'postgres ← evaluator', 300]]),
        snap(1000, [
          [2, 'postgres ← evaluator', 340],
          [9, 'postgres ← evaluator', 20],
        ]),
        snap(2000, [[9, 'postgres ← evaluator', 50]]),
      ],
      100,
    );
    // pid 2: 40 ticks until it went; pid 9: all of its 50 ticks.
    expect(cpu.parts.get('postgres ← evaluator')).toBeCloseTo(0.9);
    expect(cpu.exited).toBe(1);
  });

  it('lists the parts in the order asked, those that used nothing at 0', () => {
    const cpu = cpuOver([snap(0, [[1, 'runner', 10]]), snap(1000, [[1, 'runner', 30]])], 100, ['controller', 'runner']);
    expect([...cpu.parts]).toEqual([
      ['controller', 0],
      ['runner', 0.2],
    ]);
  });
});
