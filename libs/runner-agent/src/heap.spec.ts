import { heapAdvice, RUNNER_MAX_OLD_SPACE_MB } from './heap';

const MB = 2 ** 20;

describe('heap advice', () => {
  it('is silent when the default bound holds the default and the benchmarked concurrency', () => {
    const limit = RUNNER_MAX_OLD_SPACE_MB * MB;
    expect(heapAdvice(100, limit)).toBeUndefined();
    expect(heapAdvice(1000, limit)).toBeUndefined();
  });

  it('names the heap a larger concurrency needs and how to give it', () => {
    expect(heapAdvice(5000, RUNNER_MAX_OLD_SPACE_MB * MB)).toBe(
      `5000 runs at once may need about 377 MB of heap, more than this process's ${RUNNER_MAX_OLD_SPACE_MB} MB: ` +
        'start it with NODE_OPTIONS=--max-old-space-size=377 or lower VIGIL_CONCURRENCY_MAX (the most it rises to when it falls behind)',
    );
    expect(heapAdvice(5000, 512 * MB)).toBeUndefined();
  });
});
