import { performance } from 'node:perf_hooks';

/** How long to warm up and to measure, in seconds. */
export interface MeasureOptions {
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export interface Measurement {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/**
 * Runs `batch(size)` (which performs `size` operations) repeatedly: first for the warm-up,
 * then for the measured duration. The clock is read once per batch, not per operation.
 */
export function measureBatches(batch: (size: number) => void, size: number, options: MeasureOptions): Measurement {
  const run = (seconds: number): Measurement => {
    const start = performance.now();
    const end = start + seconds * 1000;
    let operations = 0;
    let now = start;
    while (now < end) {
      batch(size);
      operations += size;
      now = performance.now();
    }
    const elapsed = (now - start) / 1000;
    return { operations, seconds: elapsed, perSecond: operations / elapsed };
  };
  run(options.warmupSeconds);
  return run(options.seconds);
}

/** Like {@link measureBatches} for an asynchronous operation, awaited one at a time. */
export async function measureAsync(operation: () => Promise<unknown>, options: MeasureOptions): Promise<Measurement> {
  const run = async (seconds: number): Promise<Measurement> => {
    const start = performance.now();
    const end = start + seconds * 1000;
    let operations = 0;
    let now = start;
    while (now < end) {
      await operation();
      operations++;
      now = performance.now();
    }
    const elapsed = (now - start) / 1000;
    return { operations, seconds: elapsed, perSecond: operations / elapsed };
  };
  await run(options.warmupSeconds);
  return run(options.seconds);
}

/** `1234567.8` → `1,234,568`. */
export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** Reads `--seconds N` (measured duration per figure) from a benchmark's arguments. */
export function parseOptions(args: readonly string[], defaults: MeasureOptions): MeasureOptions {
  const i = args.indexOf('--seconds');
  if (i === -1) return defaults;
  const seconds = Number(args[i + 1]);
  if (!(seconds > 0)) throw new Error(`--seconds needs a positive number, got ${args[i + 1]}`);
  return { ...defaults, seconds };
}
