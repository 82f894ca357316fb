import { setFlagsFromString } from 'node:v8';
import { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap';

jest.mock('node:v8', () => ({ setFlagsFromString: jest.fn() }));

describe('limiting the heap growth', () => {
  it("sets V8's growing factor for the old generation, below V8's own for a busy process", () => {
    limitHeapGrowth();
    expect(setFlagsFromString).toHaveBeenCalledWith(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
    expect(HEAP_GROWING_PERCENT).toBeLessThan(100);
  });
});
