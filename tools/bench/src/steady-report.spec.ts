import { achievedRate, cores, type FormMeasurement, formatFormReport, msPerCheck, verdicts } from './steady-report';

const MB = 1024 * 1024;

const services: FormMeasurement = {
  form: 'services',
  checks: 2000,
  intervalS: 20,
  windowSeconds: 60,
  parts: [
    { name: 'controller', cpuSeconds: 0.9, rssBytes: 120 * MB },
    { name: 'runner', cpuSeconds: 1.5, rssBytes: 90 * MB },
    { name: 'postgres ← controller', cpuSeconds: 1.2 },
    { name: 'postgres (background)', cpuSeconds: 0.6 },
  ],
  probes: 6000,
  probesPerSecond: { min: 95, max: 105 },
  stored: 5990,
  evaluated: 5985,
  idle: { seconds: 15, cpuSeconds: 0.3 },
  benchCpuSeconds: 0.4,
  notes: ['a note'],
};

describe('the arithmetic', () => {
  it('gives CPU ms per check done', () => {
    expect(msPerCheck(4.2, 6000)).toBeCloseTo(0.7);
    expect(msPerCheck(1, 0)).toBeNaN();
  });

  it('gives the achieved rate against N/interval', () => {
    // 2,000 checks at 20 s are 100/s due; 5,970 in 60 s is 99.5 /s.
    expect(achievedRate(5970, 60, 2000, 20)).toBeCloseTo(0.995);
    expect(achievedRate(12_000, 60, 10_000, 20)).toBeCloseTo(0.4);
  });

  it('gives cores as CPU seconds over wall seconds', () => {
    expect(cores(0.45, 15)).toBeCloseTo(0.03);
  });
});

describe('verdicts', () => {
  it('judges the services against 0.75 ms per check, an idle floor under 0.03 core and 99.5 %', () => {
    // 4.2 CPU s over 6,000 checks: 0.70 ms; idle 0.3/15 = 0.02 core; 100 %.
    expect(verdicts(services).map((v) => [v.what, v.figure, v.met])).toEqual([
      ['CPU per check', '0.70 ms', true],
      ['idle floor', '0.020 core', true],
      ['achieved rate', '100.0 %', true],
    ]);
    const worse = verdicts({ ...services, probes: 5000, idle: { seconds: 15, cpuSeconds: 0.45 } });
    expect(worse.map((v) => v.met)).toEqual([false, false, false]);
  });

  it('judges the all-in-one against 1 ms per check, RSS under 300 MB and 99.5 %', () => {
    const aio: FormMeasurement = { ...services, form: 'all-in-one', parts: [{ name: 'all-in-one', cpuSeconds: 5.4, rssBytes: 320 * MB }] };
    expect(verdicts(aio).map((v) => [v.what, v.figure, v.met])).toEqual([
      ['CPU per check', '0.90 ms', true],
      ['RSS', '320 MB', false],
      ['achieved rate', '100.0 %', true],
    ]);
  });
});

describe('formatFormReport', () => {
  const lines = formatFormReport(services);

  it('has a row per part with its ms per check, share and RSS, then the total', () => {
    expect(lines[0]).toBe('services: 2,000 http checks every 20 s (100.0 checks/s due), window 60.0 s');
    const row = (name: string) => lines.find((line) => line.trimStart().startsWith(name))?.trim().split(/\s{2,}/);
    expect(row('controller')).toEqual(['controller', '0.90', '0.150', '21.4 %', '120']);
    expect(row('postgres ← controller')).toEqual(['postgres ← controller', '1.20', '0.200', '28.6 %', '-']);
    expect(row('total')).toEqual(['total', '4.20', '0.700', '100 %', '210']);
  });

  it('tells the rate, the results, the idle floor, Kuma’s ratio, the targets and the notes', () => {
    const text = lines.join('\n');
    expect(text).toContain('checks done (probes the target received): 6,000, 100.0/s = 100.0 % of 100.0/s due (whole seconds: min 95, max 105)');
    expect(text).toContain('results in the window: 5,990 stored, 5,985 evaluated');
    expect(text).toContain('idle floor (zero checks, 15 s): 0.020 core');
    expect(text).toContain('8.6–9.1× this (target: 8×)');
    expect(text).toMatch(/CPU per check\s+0\.70 ms\s+<= 0\.75 ms\s+met/);
    expect(text).toMatch(/idle floor\s+0\.020 core\s+< 0\.03 core\s+met/);
    expect(text).toContain('note: a note');
  });

  it('says so when more checks were done than due (late runs catching up)', () => {
    expect(formatFormReport({ ...services, probes: 6800 }).join('\n')).toContain('more checks done than due');
    expect(lines.join('\n')).not.toContain('more checks done than due');
  });

  it('marks a target missed as NOT met', () => {
    expect(formatFormReport({ ...services, probes: 3000 }).join('\n')).toMatch(/achieved rate\s+50\.0 %\s+>= 99\.5 %\s+NOT met/);
  });
});
