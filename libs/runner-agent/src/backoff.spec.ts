import { createBackoff } from './backoff';

describe('a runner backoff', () => {
  it('doubles with each failure up to the cap, shortened by at most a fifth', () => {
    const longest = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map(() => longest.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    const shortest = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => shortest.next())).toEqual([80, 160, 320, 640, 800, 800]);
  });

  it('counts its waits and starts over on reset', () => {
    const backoff = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    backoff.next();
    backoff.next();
    expect(backoff.attempts).toBe(2);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(100);
  });
});
