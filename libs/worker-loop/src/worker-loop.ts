import type { Logger } from '@vigil/logger';
import { backoffDelayMs, type BackoffPolicy } from './backoff';
import type { SweepHealth } from './sweep-health';

export interface StepOutcome {
  /** The step stopped at its batch size: there may be more, so the next step runs at once. */
  more: boolean;
  /**
   * The step ran, but some of its work failed and rolled back (logged where it failed: the
   * evaluator's checks that cannot be evaluated). A failed sweep for the service's health, as a
   * throw is, but the loop keeps its pace: the rest of the work must not wait on a backoff.
   */
  failure?: string;
}

export interface WorkerLoopOptions {
  /** Names the loop in log lines. */
  name: string;
  /** One batch of work. A throw is logged and retried after a backoff; the loop goes on. */
  step: () => Promise<StepOutcome>;
  /** When nothing wakes the loop, it looks this often anyway. */
  pollIntervalMs: number;
  /**
   * A cheap look for work (one statement, no transaction) before each step the poll interval or a
   * retry starts: the step runs only when it answers true, and a false answer counts as a step that
   * found nothing. An idle service then pays this look, not a whole pass, every interval. Steps a
   * wake-up starts, or that follow one that said there was more, run at once without it. A throw
   * counts as a failed step.
   */
  probe?: () => Promise<boolean>;
  logger: Logger;
  /** The wait after a failed step, doubled for each further failure (default 0.5 s up to 30 s, no jitter). */
  backoff?: BackoffPolicy;
  /** The service's sweep health, told of every step's outcome under this loop's name (/readyz, metrics, heartbeat). */
  health?: SweepHealth;
  /**
   * A wake-up runs a step no sooner than this long after the previous step started (default 0:
   * at once). Wake-ups that come often (a NOTIFY per stored report) then gather into one larger
   * step instead of one step each; a wake-up after a quiet spell still runs at once, and a step
   * that says there is more is followed at once.
   */
  wakeSpacingMs?: number;
  /** The clock of the spacing (tests). */
  now?: () => number;
}

export interface WorkerLoop {
  /** Runs a step soon (a NOTIFY, new work): at once when idle, right after the current step otherwise. */
  wake(): void;
  /** Lets the current step finish, then stops; resolves once it has. */
  stop(): Promise<void>;
  /** Resolves after the next step that completes (tests: "it has looked since"). */
  nextStep(): Promise<void>;
}

/**
 * Runs `step` again and again, one at a time: immediately while it says there is more,
 * else on a wake-up or after `pollIntervalMs`. A failing step (the database away, say)
 * is logged once per streak and retried with a doubling wait.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const { name, step, probe, pollIntervalMs, logger, health, backoff = { initialMs: 500, maxMs: 30_000 }, wakeSpacingMs = 0, now = Date.now } = options;
  health?.register(name);
  let stopping = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wokenWhileRunning = false;
  let failures = 0;
  let stepWaiters: Array<() => void> = [];
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  let timerDueAt = Number.POSITIVE_INFINITY;
  // Whether the step the timer starts looks first (the poll interval, a retry) or runs at once (a wake-up, more).
  let probeFirst = false;
  // How long a wake-up waits: until the spacing since the previous step's start has passed.
  const wakeDelay = (): number => Math.max(0, lastStartedAt + wakeSpacingMs - now());

  const schedule = (delayMs: number, probing: boolean): void => {
    if (stopping) return;
    clearTimeout(timer);
    probeFirst = probing;
    timerDueAt = now() + delayMs;
    timer = setTimeout(run, delayMs);
  };

  function run(): void {
    if (stopping || running) return;
    clearTimeout(timer);
    timerDueAt = Number.POSITIVE_INFINITY;
    const looking = probeFirst && probe !== undefined;
    wokenWhileRunning = false;
    lastStartedAt = now();
    running = (async () => {
      let nextInMs = pollIntervalMs;
      let more = false;
      try {
        const outcome: StepOutcome = looking && !(await probe()) ? { more: false } : await step();
        if (failures > 0) logger.info(`${name} works again after ${failures} failed attempts`);
        failures = 0;
        health?.record(name, outcome.failure === undefined ? { ok: true } : { ok: false, error: outcome.failure });
        if (outcome.more) {
          nextInMs = 0;
          more = true;
        }
      } catch (error) {
        failures += 1;
        health?.record(name, { ok: false, error });
        nextInMs = backoffDelayMs(failures, backoff);
        const line = `${name} failed; trying again in ${Math.round(nextInMs / 100) / 10} s: ${(error as Error).message}`;
        if (failures === 1) logger.error(line, { err: error });
        else logger.debug(line);
      } finally {
        running = undefined;
        const waiters = stepWaiters;
        stepWaiters = [];
        for (const resolve of waiters) resolve();
      }
      if (wokenWhileRunning && failures === 0) schedule(Math.min(nextInMs, wakeDelay()), false);
      else schedule(nextInMs, !more);
    })();
  }

  schedule(0, false);
  return {
    wake() {
      if (running) wokenWhileRunning = true;
      else if (failures === 0) {
        // A step already due sooner (gathering earlier wake-ups, or the poll) keeps its time, but no longer looks first.
        if (now() + wakeDelay() < timerDueAt) schedule(wakeDelay(), false);
        else probeFirst = false;
      }
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
    nextStep() {
      return new Promise((resolve) => stepWaiters.push(resolve));
    },
  };
}
