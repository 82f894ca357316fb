import { setFlagsFromString } from 'node:v8';
import { HEAP_GROWING_PERCENT, keepWasmBaseline, limitHeapGrowth, WASM_COMPILER_FLAG } from './heap';

jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('limiting the heap growth', () => {
  it("sets V8's growing factor for the old generation, below V8's own for a busy process", () => {
    limitHeapGrowth();
    expect(setFlagsFromString).toHaveBeenCalledWith(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
    expect(HEAP_GROWING_PERCENT).toBeLessThan(100);
  });
});

describe('keeping WebAssembly on the baseline compiler', () => {
  it('turns off the optimizing recompilation of WebAssembly, which --no-wasm-tier-up alone did not', () => {
    keepWasmBaseline();
    expect(setFlagsFromString).toHaveBeenCalledWith('--liftoff-only');
    expect(WASM_COMPILER_FLAG).toBe('--liftoff-only');
  });
});
