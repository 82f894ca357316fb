import { sharedGauge } from '@vigil/metrics';
import type { Registry } from 'prom-client';

/** How one loop of a service fares: what `/readyz` shows and the heartbeat decides on. */
export interface LoopHealth {
  readonly consecutiveFailures: number;
  /** Epoch ms of the last step that completed, or undefined before the first. */
  readonly lastSuccessAt: number | undefined;
  /** The message of the last failure of the current streak. */
  readonly lastError: string | undefined;
}

/** One service's sweeps (every loop it runs) as of now. */
export interface SweepStatus {
  /** False once any loop has failed `maxFailedSweeps` times in a row, until it succeeds again. */
  readonly ready: boolean;
  /** Why not ready, one line (a JSON reason for /readyz). */
  readonly reason?: string;
  readonly loops: Readonly<Record<string, LoopHealth>>;
}

export interface SweepHealth {
  /** The service's name: the `service` label of the gauges (the all-in-one holds two). */
  readonly service: string;
  /** Registers a loop before its first step, so a service that never succeeds has a gauge and a status. */
  register(loop: string): void;
  /** Called by startWorkerLoop after every step. */
  record(loop: string, outcome: { ok: true } | { ok: false; error: unknown }): void;
  status(): SweepStatus;
  /**
   * Ready, and every loop completed a step within `withinMs`: a step that hangs fails no sweep
   * but stops the heartbeat all the same.
   */
  healthy(withinMs: number): boolean;
}

export interface SweepHealthOptions {
  service: string;
  /** Consecutive failed steps of one loop after which the service is not ready (VIGIL_READY_MAX_FAILED_SWEEPS). */
  maxFailedSweeps: number;
  /** Where the gauges go; none in unit tests that only count. */
  metrics?: Registry;
  now?: () => number;
}

export const LAST_SUCCESS_METRIC = 'vigil_last_successful_sweep_timestamp_seconds';
export const CONSECUTIVE_FAILURES_METRIC = 'vigil_consecutive_failed_sweeps';

/**
 * Counts each loop's consecutive failed steps and remembers its last success, exported as
 * `vigil_last_successful_sweep_timestamp_seconds{service,loop}` and
 * `vigil_consecutive_failed_sweeps{service,loop}`. The counting is done once, by the worker loop,
 * for every service that passes one of these to startWorkerLoop.
 */
export function createSweepHealth(options: SweepHealthOptions): SweepHealth {
  const { service, maxFailedSweeps, now = Date.now } = options;
  if (!Number.isInteger(maxFailedSweeps) || maxFailedSweeps < 1) throw new RangeError(`maxFailedSweeps must be a positive integer (got ${maxFailedSweeps})`);
  const loops = new Map<string, LoopHealth>();
  const lastSuccess =
    options.metrics &&
    sharedGauge(options.metrics, {
      name: LAST_SUCCESS_METRIC,
      help: 'When each loop of a service (evaluator, notifier) last completed a step, in seconds since the epoch (0: never)',
      labelNames: ['service', 'loop'],
    });
  const failures =
    options.metrics &&
    sharedGauge(options.metrics, {
      name: CONSECUTIVE_FAILURES_METRIC,
      help: 'Steps of each loop of a service that failed in a row (0 after a success)',
      labelNames: ['service', 'loop'],
    });

  const publish = (loop: string, health: LoopHealth) => {
    loops.set(loop, health);
    lastSuccess?.set({ service, loop }, health.lastSuccessAt === undefined ? 0 : health.lastSuccessAt / 1000);
    failures?.set({ service, loop }, health.consecutiveFailures);
  };

  const status = (): SweepStatus => {
    const failing = [...loops].filter(([, health]) => health.consecutiveFailures >= maxFailedSweeps);
    const all = Object.fromEntries(loops);
    if (failing.length === 0) return { ready: true, loops: all };
    const reason = failing
      .map(([loop, health]) => `${loop} failed ${health.consecutiveFailures} times in a row${health.lastError ? `: ${health.lastError}` : ''}`)
      .join('; ');
    return { ready: false, reason, loops: all };
  };

  return {
    service,
    register(loop) {
      if (!loops.has(loop)) publish(loop, { consecutiveFailures: 0, lastSuccessAt: undefined, lastError: undefined });
    },
    record(loop, outcome) {
      const before = loops.get(loop) ?? { consecutiveFailures: 0, lastSuccessAt: undefined, lastError: undefined };
      publish(
        loop,
        outcome.ok
          ? { consecutiveFailures: 0, lastSuccessAt: now(), lastError: undefined }
          : { ...before, consecutiveFailures: before.consecutiveFailures + 1, lastError: messageOf(outcome.error) },
      );
    },
    status,
    healthy(withinMs) {
      if (loops.size === 0 || !status().ready) return false;
      const since = now() - withinMs;
      return [...loops.values()].every((health) => health.lastSuccessAt !== undefined && health.lastSuccessAt >= since);
    },
  };
}

/** One line: Prisma's messages span several, with the failing call's code before the cause. */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim().slice(0, 300);
}
