import { nextSlotMs, scheduleOffsetMs } from './offset';

describe('scheduleOffsetMs', () => {
  it('is stable: the same check and interval always get the same offset', () => {
    expect(scheduleOffsetMs(42, 60)).toBe(scheduleOffsetMs(42, 60));
    expect(scheduleOffsetMs(42, 60)).toBe(Number((42n * 2654435761n) % 60_000n));
  });

  it('lies within the interval, for small and for the largest check ids', () => {
    for (const id of [1, 2, 3, 1000, 123_456, 2_147_483_647]) {
      for (const intervalS of [1, 10, 60, 300, 86_400]) {
        const offset = scheduleOffsetMs(id, intervalS);
        expect(Number.isInteger(offset)).toBe(true);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(intervalS * 1000);
      }
    }
  });

  it('spreads 10,000 consecutive checks with one interval over that interval', () => {
    const perSecond = new Array<number>(60).fill(0);
    for (let id = 1; id <= 10_000; id++) perSecond[Math.floor(scheduleOffsetMs(id, 60) / 1000)] += 1;
    const mean = 10_000 / 60;
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(3 * mean);
    expect(Math.min(...perSecond)).toBeGreaterThan(0);
  });

  it('spreads checks created later in a large fleet too', () => {
    const perSecond = new Array<number>(300).fill(0);
    for (let id = 5_000_001; id <= 5_010_000; id++) perSecond[Math.floor(scheduleOffsetMs(id, 300) / 1000)] += 1;
    expect(Math.max(...perSecond)).toBeLessThanOrEqual((3 * 10_000) / 300);
  });
});

describe('nextSlotMs', () => {
  const id = 7;
  const offset = scheduleOffsetMs(id, 60);
  const slot = 1_800_000_000_000 - (1_800_000_000_000 % 60_000) + offset;

  it('is the first slot strictly after the given time', () => {
    expect(nextSlotMs(id, 60, slot - 1)).toBe(slot);
    expect(nextSlotMs(id, 60, slot)).toBe(slot + 60_000);
    expect(nextSlotMs(id, 60, slot + 59_999)).toBe(slot + 60_000);
  });

  it('stays on the grid however late the time, so the schedule does not drift', () => {
    for (const late of [1, 250, 17_003, 59_999, 60_000, 10 * 60_000 + 5]) {
      const next = nextSlotMs(id, 60, slot + late);
      expect((next - offset) % 60_000).toBe(0);
      expect(next).toBeGreaterThan(slot + late);
      expect(next - 60_000).toBeLessThanOrEqual(slot + late);
    }
  });
});
