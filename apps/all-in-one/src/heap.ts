import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent.
 * Left to itself, V8 picks up to 300 % for a process that allocates steadily: at 2,000 checks the
 * all-in-one kept ~55 MB and let it reach 230 MB of garbage-laden heap before each collection,
 * most of its resident memory above PGlite's. At 50 % a full collection comes about every 20 s
 * instead of every 70 s, each as cheap (the cost goes with what is kept, not with the garbage).
 */
export const HEAP_GROWING_PERCENT = 50;

/** Read by V8 at each full collection, so it can be set once the process runs. */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
