import { availability, availabilityByDay, incidentFigures, maintenanceSpells } from './availability';

const H = 3_600_000;
const D = 24 * H;
const oneOff = (start: number, end: number) => ({ startsAt: new Date(start), endsAt: new Date(end), rrule: null, timezone: null, durationS: null });
const spell = (start: number, end: number | null) => ({ start: start * H, end: end === null ? null : end * H });

describe('availability', () => {
  it('leaves overlapping maintenance and unknown time out of uptime, once, and says how much', () => {
    // 0–100 h: down 10–14 and 25–27; maintenance 12–20; unknown 18–30.
    // Maintenance 12–20 (8 h) wins over unknown; the outage 25–27 wins over unknown, which leaves
    // unknown 20–25 and 27–30 (8 h); downtime outside both: 10–12 and 25–27 (4 h).
    const figures = availability(
      { outages: [spell(10, 14), spell(25, 27)], unknownSpells: [spell(18, 30)], maintenance: maintenanceSpells([oneOff(12 * H, 20 * H)], 0, 100 * H) },
      { from: 0, to: 100 * H },
      0,
    );
    expect(figures.uptime).toMatchObject({ downMs: 4 * H, maintenanceMs: 8 * H, unknownMs: 8 * H, monitoredMs: 84 * H });
    expect(figures.uptime.ratio).toBeCloseTo(1 - 4 / 84, 12);
    expect(figures).toMatchObject({ windowMs: 100 * H, excludedMs: 16 * H, unmonitoredMs: 0 });
    // Two incidents, both in the window: 4 h and 2 h to recover; 80 h up between them.
    expect(figures.incidents).toEqual({ count: 2, started: 2, ended: 2, ongoing: 0, mttrMs: 3 * H, mtbfMs: 40 * H });
  });

  it('counts incidents crossing the window edges: MTTR over whole incidents that ended inside, MTBF over those that started inside', () => {
    // Window 10–50 h. X 5–12 started before it; Y 20–22 and Y' 21–23 overlap: one incident;
    // Z from 45 h is still going on.
    const outages = [spell(5, 12), spell(20, 22), spell(21, 23), spell(45, null)];
    const figures = availability({ outages, unknownSpells: [], maintenance: [] }, { from: 10 * H, to: 50 * H }, 0);
    // Downtime in the window: 10–12, 20–23, 45–50.
    expect(figures.uptime).toMatchObject({ downMs: 10 * H, monitoredMs: 40 * H, ratio: 0.75 });
    // Recovered in the window: X (7 h whole, not 2) and Y (3 h); started in it: Y and Z; 30 h up.
    expect(figures.incidents).toEqual({ count: 3, started: 2, ended: 2, ongoing: 1, mttrMs: 5 * H, mtbfMs: 15 * H });
    // An incident that ended after the window was still going on at its end.
    const later = incidentFigures([spell(45, 60)], { from: 10 * H, to: 50 * H }, 40 * H);
    expect(later).toEqual({ count: 1, started: 1, ended: 0, ongoing: 1, mttrMs: null, mtbfMs: 40 * H });
  });

  it('has no MTTR or MTBF without incidents, and leaves the time before monitoring began apart', () => {
    const figures = availability({ outages: [spell(1, 2)], unknownSpells: [], maintenance: [] }, { from: 0, to: 100 * H }, 40 * H);
    expect(figures.uptime).toMatchObject({ ratio: 1, since: 40 * H, downMs: 0, monitoredMs: 60 * H });
    expect(figures).toMatchObject({ excludedMs: 0, unmonitoredMs: 40 * H });
    // The outage before the window's monitored part still counts as an incident of the window it overlaps.
    expect(figures.incidents).toMatchObject({ count: 1, mttrMs: H });
    expect(availability({ outages: [], unknownSpells: [], maintenance: [] }, { from: 0, to: H }, 0).incidents).toEqual({
      count: 0,
      started: 0,
      ended: 0,
      ongoing: 0,
      mttrMs: null,
      mtbfMs: null,
    });
  });

  it('expands recurring maintenance, and counts a current unknown or paused spell as unknown', () => {
    // Daily 02:00–03:00 UTC, three times, from day 0.
    const daily = { startsAt: new Date(2 * H), endsAt: new Date(2 * D + 3 * H), rrule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', durationS: 3600 };
    const maintenance = maintenanceSpells([daily], 0, 5 * D);
    expect(maintenance).toEqual([
      { start: 2 * H, end: 3 * H },
      { start: D + 2 * H, end: D + 3 * H },
      { start: 2 * D + 2 * H, end: 2 * D + 3 * H },
    ]);
    const figures = availability({ outages: [], unknownSpells: [], maintenance, unmeasuredSince: 4 * D }, { from: 0, to: 5 * D }, 0);
    expect(figures.uptime).toMatchObject({ maintenanceMs: 3 * H, unknownMs: D, monitoredMs: 4 * D - 3 * H, ratio: 1 });
  });
});

describe('availabilityByDay', () => {
  it('gives each UTC day of the window its uptime, the first and last cut to the window', () => {
    const days = availabilityByDay({ outages: [spell(22, 26)], unknownSpells: [spell(50, 52)], maintenance: [] }, { from: 12 * H, to: 60 * H }, 0);
    expect(days.map((d) => d.day)).toEqual([0, D, 2 * D]);
    expect(days.map((d) => [d.downMs / H, d.monitoredMs / H, d.unknownMs / H])).toEqual([
      [2, 12, 0],
      [2, 24, 0],
      [0, 10, 2],
    ]);
    expect(days[0].ratio).toBeCloseTo(1 - 2 / 12, 12);
  });
});
