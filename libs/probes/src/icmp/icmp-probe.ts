import { type ChildProcess, execFile } from 'node:child_process';
import { parseIcmpHost } from '@vigil/contracts';
import { elapsedMs, networkFailure, withDeadline } from '../deadline';
import { markDegraded } from '../degraded';
import { storableText } from '../text';
import type { Probe, ProbeResult } from '../types';
import { parsePingOutput, type PingStatistics } from './ping-output';

/** The most output read from ping (with `-q` it prints four lines; anything longer is not ping). */
export const MAX_PING_OUTPUT_BYTES = 16_384;
/** Left between ping's own end and the run's deadline, so that ping prints its statistics first. */
const EXIT_MARGIN_MS = 300;
/** Where ping is looked for: the child gets this PATH and nothing else from the environment. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface IcmpProbeOptions {
  /** The ping executable (iputils-ping); a name is looked up on the system PATH. Tests pass a stand-in. */
  command?: string;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(1);

/** The arguments for one run: numeric output, quiet, the address family, count, interval and the wait for the last reply. */
export function pingArguments(address: string, family: 4 | 6, spec: { count: number; interval_ms: number }, timeoutMs: number): string[] {
  const sending = (spec.count - 1) * spec.interval_ms;
  // -W is how long ping waits for replies once it has sent the last request; 0.2 s at the least.
  const wait = Math.max(200, timeoutMs - sending - EXIT_MARGIN_MS);
  return ['-n', '-q', `-${family}`, '-c', String(spec.count), '-i', seconds(spec.interval_ms), '-W', seconds(wait), address];
}

/** The measures a result keeps: the rtt rule reads `rtt_avg_ms` against the spec's `degraded_rtt_ms`. */
function details(statistics: PingStatistics, address: string): Record<string, unknown> {
  const { transmitted, received, lossPercent, rtt } = statistics;
  return {
    address,
    transmitted,
    received,
    loss_percent: lossPercent,
    ...(rtt ? { rtt_min_ms: rtt.minMs, rtt_avg_ms: rtt.avgMs, rtt_max_ms: rtt.maxMs } : {}),
    ...(rtt?.mdevMs !== undefined ? { rtt_mdev_ms: rtt.mdevMs } : {}),
  };
}

/** The last non-empty line ping wrote to stderr (`ping: connect: Network is unreachable`), cut short. */
function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return storableText(lines.at(-1)?.trim() ?? '', 300);
}

/** Why a ping could not be started (missing, not executable, outside the bounding set), or undefined. */
function unstartable(code: unknown): string | undefined {
  return code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' ? code : undefined;
}

/** What one finished ping run says, without timings: counts and rtt, or why there are none. */
function pingOutcome(
  run: { error: { code?: string | number | null } | null; stdout: string; stderr: string },
  address: string,
  maxLoss: number,
  command: string,
): Omit<ProbeResult, 'timings'> {
  const { error, stdout, stderr } = run;
  const cannotRun = unstartable(error?.code);
  if (cannotRun !== undefined) return unavailable(command, cannotRun);
  if (error?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
    return { ok: false, error_code: 'PING_OUTPUT', error: `${command} wrote more than ${MAX_PING_OUTPUT_BYTES} bytes` };
  }
  const statistics = parsePingOutput(stdout);
  if (statistics === undefined) {
    const said = lastLine(stderr) || lastLine(stdout) || `exit ${error?.code ?? 0}`;
    // No statistics: ping could not send at all. Lacking its capability, it says so.
    const unusable = /operation not permitted|permission denied/i.test(said);
    return {
      ok: false,
      ...(unusable ? { inconclusive: true } : {}),
      error_code: unusable ? 'PING_UNAVAILABLE' : 'PING_FAILED',
      error: storableText(`ping ${address}: ${said}`, 2000),
    };
  }
  const { transmitted, received, lossPercent, rtt } = statistics;
  const passed = received > 0 && lossPercent <= maxLoss;
  const lossError = `${transmitted - received} of ${transmitted} packets lost (${lossPercent} %)${received > 0 ? `, more than max_loss_percent ${maxLoss}` : ''}`;
  return {
    ok: passed,
    ...(rtt ? { latency_ms: rtt.avgMs } : {}),
    details: details(statistics, address),
    ...(passed ? {} : { error_code: 'PACKET_LOSS', error: lossError }),
  };
}

/** The spec's rtt rule: a successful run whose average round trip is over `limitMs` is degraded. */
function applyRttRule(result: ProbeResult, limitMs: number | undefined): ProbeResult {
  const average = result.details?.['rtt_avg_ms'];
  if (limitMs === undefined || typeof average !== 'number' || !(average > limitMs)) return result;
  return markDegraded(result, { rule: 'rtt', limit_ms: limitMs, rtt_avg_ms: average });
}

/** A ping that cannot be started says nothing of the target: inconclusive. */
function unavailable(command: string, why: string): Omit<ProbeResult, 'timings'> {
  return { ok: false, inconclusive: true, error_code: 'PING_UNAVAILABLE', error: storableText(`cannot run ${command}: ${why}`, 2000) };
}

/**
 * Pings the target with the system's `ping` (iputils-ping; run without a shell, LC_ALL=C):
 * `spec.count` echo requests `spec.interval_ms` apart, the last one waited for until shortly
 * before the run's timeout. The target's name is resolved through the egress guard and the
 * resolved address is pinged (`-4`/`-6` by its family), so what is judged is what is pinged.
 * Fails with `PACKET_LOSS` when more than `spec.max_loss_percent` of the packets are lost
 * (always when none come back). `latency_ms` is the average round-trip time; `details` has
 * transmitted, received, loss_percent and rtt_min/avg/max/mdev_ms. An average round-trip time
 * over `spec.degraded_rtt_ms` never fails the run: it is reported degraded (`details.degraded`).
 * A runner without a usable ping reports `PING_UNAVAILABLE`, inconclusive.
 */
export function createIcmpProbe(options: IcmpProbeOptions = {}): Probe<'icmp'> {
  const command = options.command ?? 'ping';
  return (run, context) => {
    const host = parseIcmpHost(run.target);
    if (host === undefined) {
      return Promise.resolve({ ok: false, error_code: 'INVALID_TARGET', error: storableText(`not a host: ${run.target}`, 2000) });
    }
    const startedAt = performance.now();
    let child: ChildProcess | undefined;
    const timings = (): ProbeResult['timings'] => ({ total: elapsedMs(startedAt) });

    return withDeadline(
      {
        timeoutMs: run.timeoutMs,
        signal: context.signal,
        cleanup: () => child?.kill('SIGKILL'),
        onTimeout: () => ({ ok: false, timings: timings(), error_code: 'ETIMEDOUT', error: `ping ${run.target} did not end within ${run.timeoutMs} ms` }),
      },
      (finish) => {
        const ping = (address: string, family: 4 | 6): void => {
          const args = pingArguments(address, family, run.spec, run.timeoutMs);
          const settings = { env: { LC_ALL: 'C', PATH: SYSTEM_PATH }, maxBuffer: MAX_PING_OUTPUT_BYTES, windowsHide: true };
          try {
            child = execFile(command, args, settings, (error, stdout, stderr) =>
              finish(
                applyRttRule(
                  { ...pingOutcome({ error, stdout, stderr }, address, run.spec.max_loss_percent, command), timings: timings() },
                  run.spec.degraded_rtt_ms,
                ),
              ),
            );
          } catch (error) {
            // spawn throws some failures (EPERM) instead of reporting them to the callback.
            const code = (error as NodeJS.ErrnoException).code;
            finish({ ...unavailable(command, unstartable(code) ?? String(error)), timings: timings() });
            return;
          }
          // Sent `count` requests, ping has nothing to read from us.
          child.stdin?.end();
        };
        // The guard resolves the name and refuses it when any of its addresses is denied.
        context.egress.resolve(host).then(
          (addresses) => {
            const first = addresses[0];
            if (first === undefined) finish({ ok: false, timings: timings(), error_code: 'ENOTFOUND', error: `no address for ${host}` });
            else ping(first.address, first.family === 6 ? 6 : 4);
          },
          (error: unknown) => finish(networkFailure(error, { timings: timings() })),
        );
      },
    );
  };
}

/** The icmp probe with the system's ping. */
export const icmpProbe: Probe<'icmp'> = createIcmpProbe();
