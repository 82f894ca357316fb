/**
 * The old-space bound (`--max-old-space-size`, MB) the runner is started with. V8 grows its
 * heap lazily: at 1,000 runs in flight about 30 MB is live, but an unbounded runner lets
 * the garbage of finished requests grow to some 270 MB of RSS before collecting it.
 * `npm run start:runner` and the Docker image pass it; the runner benchmark measures with it.
 */
export const RUNNER_MAX_OLD_SPACE_MB = 160;

/**
 * The young generation's bound (`--max-semi-space-size`, MB). With the old space bounded at
 * 160 MB, V8 sizes each semi-space at 1 MB, and every run's sockets, streams and buffers (some
 * 30 KB) fill it about every 35 runs: a scavenge each time. 8 MB measured 7 % less CPU per run
 * at 100 runs a second (paired runs side by side), 4 MB as much, 16 MB no better: 4 MB, at most
 * 8 MB more RSS (two semi-spaces), as the all-in-one has it.
 */
export const RUNNER_MAX_SEMI_SPACE_MB = 4;

/** How the runner's node is started: `npm run start:runner`, the Docker image and the benchmarks pass these. */
export const RUNNER_NODE_ARGS: readonly string[] = [`--max-old-space-size=${RUNNER_MAX_OLD_SPACE_MB}`, `--max-semi-space-size=${RUNNER_MAX_SEMI_SPACE_MB}`];

/** Generous heap per run in flight (the measured live size is about 30 KB), and what the rest of the process holds. */
const HEAP_PER_RUN_BYTES = 64 * 1024;
const HEAP_BASE_BYTES = 64 * 1024 * 1024;

/** A line for the operator when `concurrency` runs may need more heap than the process may have; else undefined. */
export function heapAdvice(concurrency: number, heapLimitBytes: number): string | undefined {
  const neededBytes = HEAP_BASE_BYTES + concurrency * HEAP_PER_RUN_BYTES;
  if (neededBytes <= heapLimitBytes) return undefined;
  const mb = (bytes: number) => Math.ceil(bytes / 2 ** 20);
  return (
    `${concurrency} runs at once may need about ${mb(neededBytes)} MB of heap, more than this process's ` +
    `${mb(heapLimitBytes)} MB: start it with NODE_OPTIONS=--max-old-space-size=${mb(neededBytes)} or lower VIGIL_CONCURRENCY_MAX (the most it rises to when it falls behind)`
  );
}
