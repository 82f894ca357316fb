import { availabilityIntervals } from './availability';
import { computeUptime } from './uptime';

describe('availabilityIntervals', () => {
  it('counts outages as down, site maintenance that has begun, and unknown spells less the outages', () => {
    const intervals = availabilityIntervals(
      {
        outages: [{ start: 10, end: 20 }, { start: 90, end: null }],
        unknownSpells: [{ start: 15, end: 30 }],
        maintenance: [
          { start: 40, end: 50 },
          { start: 120, end: 130 },
        ],
        unmeasuredSince: null,
      },
      100,
    );
    expect(intervals).toEqual([
      { kind: 'down', start: 10, end: 20 },
      { kind: 'down', start: 90, end: 100 },
      { kind: 'maintenance', start: 40, end: 50 },
      { kind: 'unknown', start: 20, end: 30 },
    ]);
    expect(computeUptime(intervals, { from: 0, to: 100 }, 0)).toMatchObject({ downMs: 20, maintenanceMs: 10, unknownMs: 10, monitoredMs: 80 });
  });

  it('leaves the site’s current unmeasured spell out', () => {
    const intervals = availabilityIntervals({ outages: [], unknownSpells: [], maintenance: [], unmeasuredSince: 60 }, 100);
    expect(intervals).toEqual([{ kind: 'unknown', start: 60, end: 100 }]);
  });
});
