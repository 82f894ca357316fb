import { get } from 'node:http';

/** What the runner benchmark's processes tell each other: one tagged JSON line on stdout each. */
export const READY_PREFIX = 'READY ';
export const RESULT_PREFIX = 'RESULT ';

/** The stub controller's counters, served at {@link STATS_PATH}. */
export const STATS_PATH = '/bench/stats';

export interface ServerUrls {
  /** What every check requests: 200 with a 3-byte body. */
  readonly target: string;
  /** The stub controller's base URL. */
  readonly controller: string;
}

export interface ServerStats {
  readonly polls: number;
  readonly leased: number;
  readonly reports: number;
  /** Results received in reports, and how many of them were ok. */
  readonly reported: number;
  readonly ok: number;
  readonly failed: number;
  /** Failed results by error_code. */
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly targetRequests: number;
  /** Requests without a runner token, refused with 401. */
  readonly unauthorized: number;
  /** The servers' clock (ms since the epoch) when these were read. */
  readonly at: number;
  /** CPU time the servers' process used so far (user + system), in µs. */
  readonly cpuMicros: number;
}

export const LOAD_MODES = ['bare', 'drain', 'periodic'] as const;
export type LoadMode = (typeof LOAD_MODES)[number];

/** One measured phase, run by runner-load.ts in a fresh process. */
export interface LoadPhase {
  readonly mode: LoadMode;
  readonly concurrency: number;
  /** The bound the agent may raise its concurrency to when it falls behind (keep-up bench); unset: it does not. */
  readonly concurrencyMax?: number;
  readonly urls: ServerUrls;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Periodic mode's interval; drain mode's pause after an empty poll. */
  readonly pollIntervalMs: number;
}

export interface PhaseFigures {
  /** Checks completed in the measured window: got calls settled (bare), results the controller received (agent). */
  readonly checks: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Of those, the ones that failed (bare: got threw or the status was not 2xx; agent: `ok: false`), by error code. */
  readonly failed: number;
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Sampled every 250 ms from start to stop, warm-up included. */
  readonly peakRssBytes: number;
  readonly peakInFlight: number;
  readonly meanInFlight: number;
  /** Percent of one core over the measured window. */
  readonly runnerCpu: number;
  readonly serversCpu: number;
  /** The measured process's CPU time (user + system) over the window per check counted, in ms. */
  readonly cpuMsPerCheck: number;
  /** The measured process's event-loop delay over the window, 99th percentile, in ms. */
  readonly loopDelayP99Ms: number;
  /** Whatever else ran on the machine meanwhile (other jobs, the kernel's share not charged to either). */
  readonly otherCpu: number;
}

/** The stub controller's counters. */
export function readStats(controllerUrl: string): Promise<ServerStats> {
  return new Promise((resolve, reject) => {
    const req = get(`${controllerUrl}${STATS_PATH}`, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ServerStats);
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${controllerUrl}${STATS_PATH} within 10 s`)));
  });
}
