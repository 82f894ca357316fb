import { DatabaseError } from '@vigil/db';

/** A failure that ends the benchmark with one line and exit code 1 (not a bug of the bench: no stack). */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** `promise`, failing with a BenchFailure of the same message: its message is the whole story. */
export function orBenchFailure<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((error: Error) => {
    throw new BenchFailure(error.message);
  });
}

/**
 * What must be undone however the run ends (finished, failed, Ctrl-C): a service stopped,
 * the scratch database dropped. Last added, first undone.
 */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, undo: () => Promise<void>): void {
    this.steps.push({ what, undo });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.undo();
        } catch (error) {
          console.error(`cleanup: ${step.what} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }

  /**
   * On SIGINT/SIGTERM: say `stopping`, clean up, then exit 130. Further signals are ignored
   * meanwhile: Ctrl-C reaches this process twice (from the terminal and forwarded by
   * run-ts.mjs), and the cleanup is short (a service gets 5 s to stop).
   */
  onSignals(stopping: string): () => void {
    const handler = (signal: NodeJS.Signals) => {
      if (this.running) return;
      console.error(`\n${signal}: ${stopping}…`);
      void this.run().then(() => process.exit(130));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }
}

/**
 * Runs `benchmark` and then its cleanup, however it ends; on a signal, says `stopping` first.
 * An unreachable database or a BenchFailure ends the process with one line and exit code 1.
 */
export async function runWithCleanup(bench: string, stopping: string, benchmark: (cleanup: Cleanup) => Promise<void>): Promise<void> {
  const cleanup = new Cleanup();
  const offSignals = cleanup.onSignals(stopping);
  let failure: string | undefined;
  try {
    await benchmark(cleanup);
  } catch (error) {
    if (!((error instanceof DatabaseError && error.code === 'unreachable') || error instanceof BenchFailure)) throw error;
    failure = error.message;
  } finally {
    await cleanup.run();
    offSignals();
  }
  if (failure !== undefined) {
    console.error(`${bench}: ${failure}`);
    // main() would report success once this returns; a broken run must not.
    process.exit(1);
  }
}
