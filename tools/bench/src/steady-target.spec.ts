import { SecondCounter, startCountingTarget } from './steady-target';

describe('SecondCounter', () => {
  it('counts per whole second, and gives the fewest and the most over the whole seconds of a window', () => {
    const counter = new SecondCounter();
    for (const at of [10_100, 10_900, 11_000, 11_500, 11_999, 12_500, 13_200]) counter.add(at);
    expect(counter.total).toBe(7);
    // Whole seconds in [10.5 s, 13.0 s): 11 and 12 (10 is cut, 13 is out).
    expect(counter.range(10_500, 13_000)).toEqual({ min: 1, max: 3 });
    // A second with nothing counts as 0.
    expect(counter.range(10_000, 15_000)).toEqual({ min: 0, max: 3 });
  });
});

describe('startCountingTarget', () => {
  it('answers 200 on any path, on loopback, and counts each request', async () => {
    const target = await startCountingTarget();
    try {
      expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answers = await Promise.all(['/c/1', '/c/2', '/'].map((path) => fetch(`${target.url}${path}`)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(target.received.total).toBe(3);
    } finally {
      await target.close();
    }
  });
});
