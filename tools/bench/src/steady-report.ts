import { count, table } from './report-format';
import type { Form } from './steady-options';

/** One process, or a group of PostgreSQL's, and what it used in the window. */
export interface Part {
  readonly name: string;
  readonly cpuSeconds: number;
  /** VmRSS at the window's end; undefined for PostgreSQL's processes (shared memory makes a sum meaningless). */
  readonly rssBytes?: number;
}

/** What one form measured. */
export interface FormMeasurement {
  readonly form: Form;
  readonly checks: number;
  readonly intervalS: number;
  readonly windowSeconds: number;
  /** Every part of Vigil, PostgreSQL's included: the total is theirs. */
  readonly parts: readonly Part[];
  /** Probes the target received in the window. */
  readonly probes: number;
  /** The fewest and the most probes received in one whole second of the window. */
  readonly probesPerSecond: { readonly min: number; readonly max: number };
  readonly stored: number;
  readonly evaluated: number;
  /** Zero checks: every part's CPU over `seconds`. */
  readonly idle: { readonly seconds: number; readonly cpuSeconds: number };
  /** The bench's own CPU (the target, the sampling), not counted in the total. */
  readonly benchCpuSeconds: number;
  /** What the reader must know to trust the figures (a backend gone mid-window, say). */
  readonly notes: readonly string[];
}

/** Issue 15's targets. */
export const TARGETS = {
  services: { msPerCheck: 0.75, idleCores: 0.03 },
  allInOne: { msPerCheck: 1, rssMb: 300 },
  rate: 0.995,
} as const;

/** Uptime Kuma 2.0.2 on this machine, 1,000–2,000 http checks at 20 s (issue 15). */
export const KUMA_MS_PER_CHECK = { low: 6.0, high: 6.4 } as const;

const MB = 1024 * 1024;

/** CPU milliseconds per check done; NaN when no check was done. */
export function msPerCheck(cpuSeconds: number, checksDone: number): number {
  return checksDone > 0 ? (cpuSeconds * 1000) / checksDone : Number.NaN;
}

/** The probes received per second over the window, as a fraction of the N/interval due. */
export function achievedRate(probes: number, windowSeconds: number, checks: number, intervalS: number): number {
  return probes / windowSeconds / (checks / intervalS);
}

/** CPU seconds over wall seconds: cores busy on average. */
export function cores(cpuSeconds: number, seconds: number): number {
  return cpuSeconds / seconds;
}

export const totalCpu = (parts: readonly Part[]): number => parts.reduce((sum, part) => sum + part.cpuSeconds, 0);

export interface Verdict {
  readonly what: string;
  readonly figure: string;
  readonly target: string;
  readonly met: boolean;
}

/** The figures of one form against its targets. */
export function verdicts(m: FormMeasurement): Verdict[] {
  const total = msPerCheck(totalCpu(m.parts), m.probes);
  const rate = achievedRate(m.probes, m.windowSeconds, m.checks, m.intervalS);
  const rateVerdict: Verdict = { what: 'achieved rate', figure: `${(rate * 100).toFixed(1)} %`, target: `>= ${TARGETS.rate * 100} %`, met: rate >= TARGETS.rate };
  if (m.form === 'services') {
    const idle = cores(m.idle.cpuSeconds, m.idle.seconds);
    return [
      { what: 'CPU per check', figure: `${total.toFixed(2)} ms`, target: `<= ${TARGETS.services.msPerCheck} ms`, met: total <= TARGETS.services.msPerCheck },
      { what: 'idle floor', figure: `${idle.toFixed(3)} core`, target: `< ${TARGETS.services.idleCores} core`, met: idle < TARGETS.services.idleCores },
      rateVerdict,
    ];
  }
  const rssMb = Math.max(...m.parts.map((part) => (part.rssBytes ?? 0) / MB));
  return [
    { what: 'CPU per check', figure: `${total.toFixed(2)} ms`, target: `<= ${TARGETS.allInOne.msPerCheck} ms`, met: total <= TARGETS.allInOne.msPerCheck },
    { what: 'RSS', figure: `${rssMb.toFixed(0)} MB`, target: `< ${TARGETS.allInOne.rssMb} MB`, met: rssMb < TARGETS.allInOne.rssMb },
    rateVerdict,
  ];
}

const mb = (bytes: number | undefined): string => (bytes === undefined || Number.isNaN(bytes) ? '-' : (bytes / MB).toFixed(0));
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** The report of one form: parts, totals, rates, the idle floor, Kuma's figures and the targets. */
export function formatFormReport(m: FormMeasurement): string[] {
  const due = m.checks / m.intervalS;
  const total = totalCpu(m.parts);
  const totalMs = msPerCheck(total, m.probes);
  const rows = [
    ['part', 'CPU s', 'ms/check', 'share', 'RSS MB'],
    ...m.parts.map((part) => [
      part.name,
      part.cpuSeconds.toFixed(2),
      fixed(msPerCheck(part.cpuSeconds, m.probes), 3),
      total > 0 ? `${((part.cpuSeconds / total) * 100).toFixed(1)} %` : '-',
      mb(part.rssBytes),
    ]),
    ['total', total.toFixed(2), fixed(totalMs, 3), '100 %', mb(m.parts.reduce((sum, part) => sum + (part.rssBytes ?? 0), 0))],
  ];
  const rate = achievedRate(m.probes, m.windowSeconds, m.checks, m.intervalS);
  const lines = [
    `${m.form}: ${count(m.checks)} http checks every ${m.intervalS} s (${fixed(due, 1)} checks/s due), window ${m.windowSeconds.toFixed(1)} s`,
    ...table(rows).map((line) => `  ${line}`),
    `  checks done (probes the target received): ${count(m.probes)}, ${fixed(m.probes / m.windowSeconds, 1)}/s = ${fixed(rate * 100, 1)} % of ${fixed(due, 1)}/s due ` +
      `(whole seconds: min ${m.probesPerSecond.min}, max ${m.probesPerSecond.max})`,
    `  results in the window: ${count(m.stored)} stored, ${count(m.evaluated)} evaluated`,
    `  idle floor (zero checks, ${m.idle.seconds.toFixed(0)} s): ${fixed(cores(m.idle.cpuSeconds, m.idle.seconds), 3)} core`,
    `  the bench itself (target, sampling; not counted): ${m.benchCpuSeconds.toFixed(2)} CPU s`,
  ];
  if (Number.isFinite(totalMs) && totalMs > 0) {
    lines.push(
      `  Uptime Kuma 2.0.2 (${KUMA_MS_PER_CHECK.low.toFixed(1)}–${KUMA_MS_PER_CHECK.high.toFixed(1)} ms per check, issue 15): ` +
        `${(KUMA_MS_PER_CHECK.low / totalMs).toFixed(1)}–${(KUMA_MS_PER_CHECK.high / totalMs).toFixed(1)}× this (target: 8×)`,
    );
  }
  lines.push('  targets:');
  const verdictRows = verdicts(m).map((v) => [v.what, v.figure, v.target, v.met ? 'met' : 'NOT met']);
  lines.push(...table(verdictRows).map((line) => `    ${line}`));
  if (rate > 1.01) lines.push('  note: more checks done than due: runs that were late before the window caught up in it (a longer --warmup?)');
  for (const note of m.notes) lines.push(`  note: ${note}`);
  return lines;
}
