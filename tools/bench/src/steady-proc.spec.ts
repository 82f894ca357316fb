import { parseProcStat, parseVmRss } from './steady-proc';

// A real line's shape: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
const stat = (comm: string, utime: number, stime: number) =>
  `4242 (${comm}) S 2210 4242 4242 0 -1 4194560 1500 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 97000 225468416 18668 18446744073709551615 0 0 0 0 0 0 0 4096 536890887 0 0 0 17 1 0 0 0 0 0`;

describe('parseProcStat', () => {
  it('adds utime and stime, and reads the pid and the parent', () => {
    expect(parseProcStat(stat('postgres', 1234, 56))).toEqual({ pid: 4242, ppid: 2210, ticks: 1290 });
  });

  it('counts fields from the last parenthesis: a command name may hold spaces and parentheses', () => {
    expect(parseProcStat(stat('node (x) y', 7, 3))).toEqual({ pid: 4242, ppid: 2210, ticks: 10 });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('no parenthesis here')).toThrow(/not a \/proc\/<pid>\/stat line/);
  });
});

describe('parseVmRss', () => {
  it('reads VmRSS in bytes', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t 900000 kB\nVmRSS:\t  240128 kB\nRssAnon:\t 200000 kB\n')).toBe(240_128 * 1024);
  });

  it('is NaN without VmRSS (a kernel thread, a zombie)', () => {
    expect(parseVmRss('Name:\tkworker\nState:\tI (idle)\n')).toBeNaN();
  });
});
