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
 * 30 KB) fill it about every 35 runs: a scavenge each time. What a scavenge costs is what
 * survives it, and at 100 runs a second much does at small sizes: runs leased ahead wait up to
 * 1.4 s and passing results 2 s in the reporter, so a scavenge every second copies them and
 * promotes them to the old space, whose mark-compacts follow. 16 MB: a scavenge about every 4 s,
 * by when most of them are gone. Measured with the built runner against a stub controller
 * leasing 2,000 checks at 20 s (100 runs a second), 30 s windows, paired back to back on a
 * shared machine: scavenges 31 → 8 per 30 s, CPU per run 0.485/0.517/0.545/0.535/0.600 ms
 * at 4 MB against 0.434/0.527/0.491/0.514 at 16, then 0.490/0.465/0.490 against 0.366/0.459/0.373
 * (means 0.516 → 0.452: -12 %; helper threads about 0.15 → 0.12), RSS 94 → 118 MB.
 * (Earlier: 8 MB measured 7 % less CPU than 1 MB, 4 MB as much.) `--single-threaded-gc`, which
 * the controller and evaluator take, measured worse here (0.55 against 0.50 ms a run in four
 * pairs): what the runner's helper threads mostly do is TurboFan compiling, not collecting.
 */
export const RUNNER_MAX_SEMI_SPACE_MB = 16;

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
