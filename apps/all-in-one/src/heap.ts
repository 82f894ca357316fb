import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent.
 * Left to itself, V8 picks up to 300 % for a process that allocates steadily: at 2,000 checks the
 * all-in-one kept ~55 MB and let it reach 230 MB of garbage-laden heap before each collection,
 * most of its resident memory above PGlite's. At 50 % a full collection comes about every 20 s
 * instead of every 70 s, each as cheap (the cost goes with what is kept, not with the garbage).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * PGlite is a 9 MB WebAssembly module. V8 compiles it with its baseline compiler (Liftoff), then
 * recompiles what runs often with its optimizing one (TurboFan) on background threads, whose
 * malloc arenas keep that compiler's memory resident once it is freed: an idle all-in-one held
 * ~330 MB, ~225 MB with Liftoff only (--no-wasm-tier-up alone left ~315). At 2,000 checks
 * (`npm run bench -- steady`, a loaded machine) its RSS went from 387–395 MB to 300–314 MB, at a
 * price: CPU per check from 0.89–0.92 ms to 1.00–1.07 ms (Liftoff's code is slower; most of the
 * time still goes to the protocol and to JavaScript rather than to PostgreSQL's own code).
 * Measured again with glibc's malloc bounded (EMBEDDED_PROCESS_ENV) and a 4 MB young generation:
 * TurboFan 0.61 ms per check at 352 MB RSS, 358 MB with MALLOC_ARENA_MAX=1 (the compiler's
 * memory is not the arenas' alone); Liftoff only 0.71–0.96 ms at 235–277 MB. Issue 15 bounds RSS
 * under 300 MB: the baseline compiler stays.
 */
export const WASM_COMPILER_FLAG = '--liftoff-only';

/** Read by V8 at each full collection, so it can be set once the process runs. */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Read by V8 when it compiles a WebAssembly module: set before the embedded database opens. */
export function keepWasmBaseline(): void {
  setFlagsFromString(WASM_COMPILER_FLAG);
}
