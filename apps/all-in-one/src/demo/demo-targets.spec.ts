import { ALWAYS_UP_PATH, FLAPPING_PATH, flapPhase, startDemoTargets } from './demo-targets';

const cycle = { downMs: 60_000, upMs: 120_000 };

describe('the flapping cycle', () => {
  it('is down first, then up, then down again, saying how long each phase lasts', () => {
    expect(flapPhase(0, cycle)).toEqual({ down: true, remainingMs: 60_000 });
    expect(flapPhase(59_999, cycle)).toEqual({ down: true, remainingMs: 1 });
    expect(flapPhase(60_000, cycle)).toEqual({ down: false, remainingMs: 120_000 });
    expect(flapPhase(179_999, cycle)).toEqual({ down: false, remainingMs: 1 });
    expect(flapPhase(180_000, cycle)).toEqual({ down: true, remainingMs: 60_000 });
  });
});

describe('the demo targets', () => {
  it('serve an endpoint that is always up and one that follows the cycle, on loopback', async () => {
    let now = 1_000_000;
    const targets = await startDemoTargets(cycle, () => now);
    try {
      expect(targets.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const get = async (path: string) => {
        const response = await fetch(`${targets.baseUrl}${path}`);
        return [response.status, await response.text()];
      };
      expect(await get(ALWAYS_UP_PATH)).toEqual([200, 'up\n']);
      expect(await get(FLAPPING_PATH)).toEqual([503, 'down for 60 s more\n']);
      now += 70_000;
      expect(await get(FLAPPING_PATH)).toEqual([200, 'up for 110 s more\n']);
      expect(await get(ALWAYS_UP_PATH)).toEqual([200, 'up\n']);
      expect((await get('/elsewhere'))[0]).toBe(404);
    } finally {
      await targets.close();
    }
  });
});
