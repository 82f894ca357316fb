import { latencyChart, niceCeil, timeStep } from '../public/js/chart.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const box = {
  width: 500,
  height: 220,
  padding: { top: 10, right: 0, bottom: 10, left: 100 },
  from: T0,
  to: T0 + 40 * MINUTE,
  formatTime: (ms: number) => new Date(ms).toISOString().slice(11, 16),
};

describe('niceCeil', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 7, 10, 11, 42, 180, 201, 999, 5001].map(niceCeil)).toEqual([1, 1, 10, 10, 20, 50, 200, 500, 1000, 10_000]);
  });
});

describe('timeStep', () => {
  it('picks the narrowest step that keeps the ticks at or under the limit', () => {
    expect(timeStep(30 * MINUTE, 6)).toBe(5 * MINUTE);
    expect(timeStep(5 * MINUTE, 6)).toBe(MINUTE);
    expect(timeStep(30 * 60 * MINUTE, 6)).toBe(360 * MINUTE);
  });
});

describe('latencyChart', () => {
  it('scales time across the plot and latency from 0 at the bottom to a round maximum at the top', () => {
    const chart = latencyChart(
      [
        {
          location: 'eu-1',
          points: [
            { t: T0 + 20 * MINUTE, latency: 90, ok: true },
            { t: T0, latency: 30, ok: true },
            { t: T0 + 40 * MINUTE, latency: 0, ok: true },
          ],
        },
      ],
      box,
    );
    expect(chart.plot).toEqual({ left: 100, top: 10, right: 500, bottom: 210 });
    expect(chart.yMax).toBe(100);
    // Oldest first: 10:00 at the left edge, 30 ms 30% up; 10:20 in the middle; 10:40 at the right edge on the axis.
    expect(chart.lines).toEqual([{ location: 'eu-1', points: '100,150 300,30 500,210', dots: [], failures: [] }]);
    expect(chart.yTicks.map((t) => [t.label, t.y])).toEqual([
      ['0 ms', 210],
      ['25 ms', 160],
      ['50 ms', 110],
      ['75 ms', 60],
      ['100 ms', 10],
    ]);
    expect(chart.xTicks.map((t) => [t.label, t.x])).toEqual([
      ['10:00', 100],
      ['10:10', 200],
      ['10:20', 300],
      ['10:30', 400],
      ['10:40', 500],
    ]);
  });

  it('marks failures at their latency, or on the top edge when they have none, and leaves those without latency out of the line', () => {
    const chart = latencyChart(
      [
        {
          location: 'us-1',
          points: [
            { t: T0 + 10 * MINUTE, latency: 2000, ok: false },
            { t: T0 + 30 * MINUTE, latency: null, ok: false },
          ],
        },
      ],
      box,
    );
    expect(chart.yMax).toBe(2000);
    expect(chart.yTicks.at(-1)?.label).toBe('2 s');
    expect(chart.lines[0]).toEqual({
      location: 'us-1',
      points: '200,10',
      dots: [{ x: 200, y: 10 }],
      failures: [
        { x: 200, y: 10 },
        { x: 400, y: 10 },
      ],
    });
  });

  it('keeps a scale of at least 10 ms and leaves out points outside the time range', () => {
    const chart = latencyChart(
      [
        { location: 'a', points: [{ t: T0 - MINUTE, latency: 5000, ok: true }] },
        { location: 'b', points: [] },
      ],
      box,
    );
    expect(chart.yMax).toBe(10);
    expect(chart.lines.map((line) => line.points)).toEqual(['', '']);
  });
});
