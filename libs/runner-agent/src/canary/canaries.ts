import { CHECK_SPEC_SCHEMAS, type RunnerConnectivity } from '@vigil/contracts';
import type { Logger } from '@vigil/logger';
import { sharedCounter, sharedGauge } from '@vigil/metrics';
import { type ProbeContext, type ProbeResult, type ProbeRun, runProbe } from '@vigil/probes';
import type { Registry } from 'prom-client';
import {
  type CanaryOutcome,
  type CanaryRole,
  type ConnectivityState,
  DEFAULT_HYSTERESIS,
  type Hysteresis,
  INITIAL_CONNECTIVITY,
  nextConnectivity,
  roundPassed,
} from './connectivity';

/** One endpoint the runner probes to judge its own network. */
export interface Canary {
  name: string;
  role: CanaryRole;
  /** Resolves with the answer; a canary that cannot be reached resolves `ok: false`, never rejects. */
  probe(timeoutMs: number, signal: AbortSignal): Promise<{ ok: boolean; error?: string }>;
}

/** A canary target as VIGIL_RUNNER_CANARIES gives it: an http(s) URL, or host:port for TCP. */
export interface CanaryTargetSpec {
  type: 'http' | 'tcp';
  target: string;
}

/** A failed round is confirmed sooner than the interval, so that a lost network is doubted quickly. */
export const CONFIRM_DELAY_MS = 2000;
/** The most a canary may take to answer. */
export const MAX_CANARY_TIMEOUT_MS = 5000;

/**
 * A target canary, probed like a check through the runner's egress policy. Any HTTP answer
 * passes (a 503 crossed the network): only no answer at all says the network is in doubt.
 */
export function targetCanary(
  spec: CanaryTargetSpec,
  context: Omit<ProbeContext, 'signal'>,
  probe: (run: ProbeRun, context: ProbeContext) => Promise<ProbeResult> = runProbe,
): Canary {
  return {
    name: spec.target,
    role: 'target',
    async probe(timeoutMs, signal) {
      const run: ProbeRun =
        spec.type === 'http'
          ? { type: 'http', target: spec.target, spec: CHECK_SPEC_SCHEMAS.http.parse({ follow_redirects: false }), timeoutMs }
          : { type: 'tcp', target: spec.target, spec: CHECK_SPEC_SCHEMAS.tcp.parse({}), timeoutMs };
      const result = await probe(run, { ...context, signal });
      if (result.ok || result.status_code !== undefined) return { ok: true };
      return { ok: false, error: `${result.error_code ?? 'failed'}${result.error ? `: ${result.error}` : ''}` };
    },
  };
}

/** The controller as a canary, through the runner's own link to it (see HttpLink.ping). */
export function controllerCanary(ping: (timeoutMs: number) => Promise<void>): Canary {
  return {
    name: 'controller',
    role: 'controller',
    async probe(timeoutMs) {
      try {
        await ping(timeoutMs);
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

export interface ConnectivityMonitorOptions {
  canaries: readonly Canary[];
  intervalMs: number;
  logger: Logger;
  metrics: Registry;
  hysteresis?: Hysteresis;
  /** Default min(interval, CONFIRM_DELAY_MS); tests shorten it. */
  confirmDelayMs?: number;
}

export interface ConnectivityMonitor {
  /** What the canaries say now: `impaired` while they fail (see roundPassed and nextConnectivity). */
  readonly connectivity: RunnerConnectivity;
  stop(): Promise<void>;
}

/**
 * Probes every canary at once, each round, every `intervalMs` (sooner to confirm a first
 * failed round), and keeps the runner's connectivity: one log line and the
 * `vigil_runner_connectivity` gauge per change.
 */
export function startConnectivityMonitor(options: ConnectivityMonitorOptions): ConnectivityMonitor {
  const { canaries, intervalMs, logger, metrics, hysteresis = DEFAULT_HYSTERESIS } = options;
  const confirmDelayMs = options.confirmDelayMs ?? Math.min(intervalMs, CONFIRM_DELAY_MS);
  const timeoutMs = Math.min(intervalMs, MAX_CANARY_TIMEOUT_MS);
  const probes = sharedCounter(metrics, {
    name: 'vigil_runner_canary_probes_total',
    help: "Probes of the runner's canaries, by canary (controller, or the target) and outcome (ok, failed)",
    labelNames: ['canary', 'outcome'],
  });
  for (const canary of canaries) for (const outcome of ['ok', 'failed']) probes.inc({ canary: canary.name, outcome }, 0);
  let state: ConnectivityState = INITIAL_CONNECTIVITY;
  sharedGauge(metrics, {
    name: 'vigil_runner_connectivity',
    help: "What the runner's canaries say of its own network: 1 ok, 0 impaired (failing results are then reported inconclusive)",
    collect() {
      this.set(state.connectivity === 'ok' ? 1 : 0);
    },
  });

  const aborter = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let stopped = false;

  async function round(): Promise<void> {
    const outcomes: CanaryOutcome[] = await Promise.all(
      canaries.map(async (canary) => {
        const answer = await canary.probe(timeoutMs, aborter.signal).catch((error: unknown) => ({ ok: false, error: String(error) }));
        return { name: canary.name, role: canary.role, ...answer };
      }),
    );
    if (stopped) return;
    for (const outcome of outcomes) probes.inc({ canary: outcome.name, outcome: outcome.ok ? 'ok' : 'failed' });
    const before = state.connectivity;
    state = nextConnectivity(state, roundPassed(outcomes), hysteresis);
    if (state.connectivity === before) return;
    const failing = outcomes.filter((outcome) => !outcome.ok).map(({ name, error }) => ({ canary: name, error }));
    if (state.connectivity === 'impaired') {
      logger.warn("this runner's own network is in doubt: its canaries fail, so its failing results are reported as inconclusive", { failing });
    } else {
      logger.info("this runner's canaries answer again: its results are conclusive again", { failing });
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      current = round()
        .catch((error: unknown) => {
          logger.error('a canary round failed unexpectedly', { err: error });
        })
        .finally(() => schedule(state.connectivity === 'ok' && state.against > 0 ? confirmDelayMs : intervalMs));
    }, delayMs);
    timer.unref();
  }

  if (canaries.length > 0) {
    logger.info(`probing ${canaries.length} canaries every ${intervalMs / 1000} s to judge this runner's own network`, {
      canaries: canaries.map((canary) => canary.name),
    });
    schedule(0);
  }
  return {
    get connectivity() {
      return state.connectivity;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      aborter.abort();
      await current;
    },
  };
}
