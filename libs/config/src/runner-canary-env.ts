import { z } from 'zod';
import { EnvField, integer, shown } from './fields';

/** A canary as configured: an http(s) URL, or host:port for a TCP connect. */
export interface CanaryTarget {
  type: 'http' | 'tcp';
  /** The URL, or host:port, as the probe takes it (and as logs and metrics name it). */
  target: string;
  /** The host, for the egress policy's check at start. */
  host: string;
}

/** More would only slow each round: a few highly available endpoints say what the runner's network can reach. */
export const MAX_CANARIES = 10;

function parseCanary(entry: string): CanaryTarget | string {
  if (/^https?:\/\//i.test(entry)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || url.hostname === '') return `${shown(entry)} is not an http(s) URL`;
    // The target is named in logs and metric labels.
    if (url.username !== '' || url.password !== '') return `${shown(entry)} must not carry credentials`;
    return { type: 'http', target: url.href, host: url.hostname };
  }
  const url = URL.canParse(`tcp://${entry}`) ? new URL(`tcp://${entry}`) : undefined;
  const plain = url && url.hostname !== '' && url.port !== '' && url.pathname === '' && url.search === '' && url.hash === '' && url.username === '';
  if (!url || !plain) return `${shown(entry)} is neither an http(s) URL nor host:port`;
  return { type: 'tcp', target: `${url.hostname}:${url.port}`, host: url.hostname };
}

function canaryList(): EnvField<CanaryTarget[]> {
  return new EnvField((value) => {
    const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.length > MAX_CANARIES) return { ok: false, problem: `has ${entries.length} entries; at most ${MAX_CANARIES}` };
    const targets: CanaryTarget[] = [];
    for (const entry of entries) {
      const parsed = parseCanary(entry);
      if (typeof parsed === 'string') return { ok: false, problem: `has a bad entry: ${parsed}` };
      targets.push(parsed);
    }
    return { ok: true, value: targets };
  });
}

/** What the runner probes to judge its own network (see @vigil/runner-agent's connectivity rule). */
export const runnerCanaryEnv = z.object({
  /** Comma-separated http(s) URLs or host:port (TCP), besides the controller itself; unset: the controller only. */
  VIGIL_RUNNER_CANARIES: canaryList().default([]),
  /** Seconds between canary rounds. */
  VIGIL_RUNNER_CANARY_INTERVAL_S: integer({ min: 1, max: 3600 }).default(10),
});
export type RunnerCanaryConfig = z.output<typeof runnerCanaryEnv>;
