/**
 * How a process that holds the embedded database is started: what has to be in place before
 * Node runs, so `npm start`, the all-in-one's Docker image and the benchmarks (tools/processes)
 * all pass it on the command line. They bound memory that the process would otherwise keep
 * resident for its whole life; measured with `npm run bench -- steady --form all-in-one` at
 * 2,000 checks.
 */

/**
 * glibc's malloc settings. It gives each thread that allocates an arena of its own (up to 8 per
 * core) and returns little of a thread arena's freed memory to the system: V8's compiler and GC
 * threads and libuv's pool each kept a few MB. Read by glibc at its first allocation, so only the
 * environment the process starts with can set them; other C libraries (musl, macOS) ignore them.
 */
export const EMBEDDED_PROCESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  // glibc raises its mmap threshold (up to 32 MB) each time a block it had mmapped is freed, so
  // later blocks of that size come from the main heap, which it can only give back from the top:
  // fragmented by them it held ~47 MB at 2,000 checks, ~17 MB with the threshold fixed at 1 MB.
  // 128 kB (glibc's starting value, fixed) kept no less: 1 MB leaves more small blocks on the heap.
  MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
};

/**
 * V8's young generation is three semi-spaces; left to itself it grows each to 16 MB on a machine
 * with memory to spare (Node 20), or to a size derived from the heap limit (Node 22 and later),
 * and keeps them resident. At 4 MB the scavenges come more often, each as cheap (their cost goes
 * with what survives, and a pass's objects mostly die young): ~25 MB less RSS at 2,000 checks.
 * V8 sizes the young generation when it creates the heap: a flag on the command line, not
 * `v8.setFlagsFromString` once running.
 */
export const EMBEDDED_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];
